import { Agent, request, type ClientRequest } from 'node:http'

/**
 * A GraphQL subscription over Server-Sent Events as the `graphql-sse` client opens it in its default
 * ("distinct connections") mode: a POST with `Accept: text/event-stream`, answered by `next` events
 * and a final `complete`. Counts the pushes and what went wrong; a stream that ends or fails while
 * the subscription should run is counted as a drop and opened again (after a second).
 */
export class SseSubscription {
  /** `next` events received. */
  pushes = 0
  /** `next` events that carried GraphQL errors. */
  errors = 0
  /** Streams that ended or failed while the subscription was open, and reconnections. */
  drops = 0
  /** The first thing that went wrong, for the report. */
  firstProblem: string | null = null
  #request: ClientRequest | null = null
  #closed = false
  readonly #agent = new Agent({ keepAlive: false })

  private constructor(
    private readonly url: string,
    private readonly body: string,
  ) {}

  /** Opens the subscription; resolves once its first event arrived. */
  static async open(url: string, query: string): Promise<SseSubscription> {
    const sub = new SseSubscription(url, JSON.stringify({ query }))
    await new Promise<void>((ready, fail) => sub.#connect(ready, fail))
    return sub
  }

  #problem(what: string): void {
    this.firstProblem ??= what
  }

  #connect(ready: () => void = () => {}, fail: (e: Error) => void = () => {}): void {
    const payload = Buffer.from(this.body)
    const req = request(
      this.url,
      {
        method: 'POST',
        agent: this.#agent,
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', 'content-length': payload.length },
      },
      (res) => {
        if (res.statusCode !== 200) {
          this.#problem(`HTTP ${res.statusCode}`)
          fail(new Error(`subscription answered HTTP ${res.statusCode}`))
          res.resume()
          return
        }
        let buffer = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => {
          buffer += chunk
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const message = buffer.slice(0, end)
            buffer = buffer.slice(end + 2)
            const event = /^event: (.*)$/m.exec(message)?.[1]
            const data = /^data: (.*)$/m.exec(message)?.[1]
            if (event === 'next' && data) {
              this.pushes++
              if (data.includes('"errors"')) {
                this.errors++
                this.#problem(`GraphQL error: ${data.slice(0, 300)}`)
              }
              ready()
            } else if (event === 'complete') {
              this.#problem('the server completed the subscription')
            }
          }
        })
        res.on('end', () => this.#dropped('the stream ended'))
        res.on('error', (error) => this.#dropped(error.message))
      },
    )
    req.on('error', (error) => {
      fail(error)
      this.#dropped(error.message)
    })
    req.end(payload)
    this.#request = req
  }

  #dropped(why: string): void {
    if (this.#closed) return
    this.drops++
    this.#problem(`dropped: ${why}`)
    this.#request = null
    setTimeout(() => {
      if (!this.#closed && this.#request === null) this.#connect()
    }, 1000)
  }

  close(): void {
    this.#closed = true
    this.#request?.destroy()
    this.#agent.destroy()
  }
}
