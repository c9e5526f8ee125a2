import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

/** A call the test Bot API took: its method and fields, and the photo's bytes for `sendPhoto`. */
export interface BotApiCall {
  method: 'sendMessage' | 'sendPhoto'
  fields: Record<string, unknown>
  photo?: { filename: string; type: string; bytes: Buffer }
  at: number
}

/** The HTML tags Telegram's HTML parse mode takes (core.telegram.org/bots/api#html-style). */
const TAGS = new Set(['b', 'strong', 'i', 'em', 'u', 'ins', 's', 'strike', 'del', 'span', 'tg-spoiler', 'a', 'code', 'pre', 'blockquote', 'tg-emoji'])
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])

/** The text a user sees of an HTML-formatted message: tags dropped, the four entities decoded; or an error that says why Telegram would refuse it. */
export function visibleText(html: string): string {
  const open: string[] = []
  for (const m of html.matchAll(/<(\/?)([a-z-]+)(?:\s[^>]*)?>/g)) {
    const [, closing, tag] = m as unknown as [string, string, string]
    if (!TAGS.has(tag)) throw new Error(`Bad Request: can't parse entities: unsupported start tag "${tag}"`)
    if (closing) {
      if (open.pop() !== tag) throw new Error(`Bad Request: can't parse entities: can't find end tag corresponding to start tag "${tag}"`)
    } else open.push(tag)
  }
  if (open.length > 0) throw new Error(`Bad Request: can't parse entities: can't find end tag corresponding to start tag "${open[open.length - 1]}"`)
  if (/&(?!(amp|lt|gt|quot);)/.test(html)) throw new Error("Bad Request: can't parse entities: unsupported HTML entity")
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
}

/**
 * An HTTP server that answers as the Telegram Bot API documents it (the real API is not reachable
 * from CI): `POST /bot<token>/sendMessage` (JSON: chat_id, text of 1 to 4096 visible characters,
 * parse_mode HTML with Telegram's tags only) and `/bot<token>/sendPhoto` (multipart/form-data:
 * chat_id, photo a PNG file, caption of at most 1024 visible characters). Anything else is answered
 * with the API's error shape (`{ ok: false, error_code, description }`): 401 for another token, 404
 * for another method, 400 for a request the API would refuse. `answerNext` scripts the next
 * answers (a 429 with `retry_after`, a 500...).
 */
export class TestBotApi {
  readonly calls: BotApiCall[] = []
  /** Requests refused as malformed, with why: a correct channel makes none. */
  readonly refused: string[] = []
  readonly #scripted: { status: number; body: unknown }[] = []
  readonly #server: Server
  #url = ''
  #messageId = 0

  constructor(readonly token = '123456:TEST-token_abc') {
    this.#server = createServer((req, res) => {
      this.#handle(req, res).catch((error: unknown) => answer(res, 500, { ok: false, error_code: 500, description: String(error) }))
    })
  }

  get url(): string {
    return this.#url
  }

  /** Answers the next call with `status` and `body` instead of taking it. */
  answerNext(status: number, body: unknown): void {
    this.#scripted.push({ status, body })
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', () => resolve()))
    this.#url = `http://127.0.0.1:${(this.#server.address() as { port: number }).port}`
    return this
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const m = /^\/bot([^/]+)\/([A-Za-z]+)$/.exec(req.url ?? '')
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const refuse = (status: number, description: string) => {
      this.refused.push(description)
      answer(res, status, { ok: false, error_code: status, description })
    }
    if (req.method !== 'POST' || !m) return refuse(404, 'Not Found')
    if (m[1] !== this.token) return answer(res, 401, { ok: false, error_code: 401, description: 'Unauthorized' })
    const method = m[2]!
    if (method !== 'sendMessage' && method !== 'sendPhoto') return refuse(404, 'Not Found: method not found')
    const scripted = this.#scripted.shift()
    if (scripted) return answer(res, scripted.status, scripted.body)
    const request = new Request('http://bot.api', { method: 'POST', headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) })
    const type = req.headers['content-type'] ?? ''
    const fields: Record<string, unknown> = {}
    let photo: BotApiCall['photo']
    if (method === 'sendMessage') {
      if (!type.startsWith('application/json')) return refuse(400, `Bad Request: sendMessage sent as ${type}`)
      Object.assign(fields, await request.json())
    } else {
      if (!type.startsWith('multipart/form-data')) return refuse(400, `Bad Request: sendPhoto with a file must be multipart/form-data, not ${type}`)
      for (const [k, v] of await request.formData()) {
        if (typeof v === 'string') fields[k] = v
        else if (k === 'photo') photo = { filename: v.name, type: v.type, bytes: Buffer.from(await v.arrayBuffer()) }
      }
      if (!photo) return refuse(400, 'Bad Request: there is no photo in the request')
      if (!photo.bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return refuse(400, 'Bad Request: IMAGE_PROCESS_FAILED')
    }
    if (fields.chat_id === undefined || fields.chat_id === '') return refuse(400, 'Bad Request: chat_id is empty')
    try {
      if (method === 'sendMessage') {
        if (fields.parse_mode !== 'HTML') throw new Error(`Bad Request: expected parse_mode HTML, got ${fields.parse_mode}`)
        const text = visibleText(String(fields.text ?? ''))
        if (text.trim() === '') throw new Error('Bad Request: message text is empty')
        if (text.length > 4096) throw new Error('Bad Request: message is too long')
      } else if (fields.caption !== undefined) {
        if (visibleText(String(fields.caption)).length > 1024) throw new Error('Bad Request: message caption is too long')
      }
    } catch (error) {
      return refuse(400, (error as Error).message)
    }
    this.calls.push({ method, fields, ...(photo ? { photo } : {}), at: Date.now() })
    const message_id = ++this.#messageId
    answer(res, 200, { ok: true, result: { message_id, date: Math.floor(Date.now() / 1000), chat: { id: Number(fields.chat_id) || 0, type: 'group' } } })
  }
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}
