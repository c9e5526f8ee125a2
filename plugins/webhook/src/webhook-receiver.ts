import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { decodeNotification, type Notification } from '@twinflow/core'
import { verifyWebhook } from './webhook-signature.ts'

/** One request the receiver took: the notification, when it arrived, and its headers. */
export interface ReceivedWebhook {
  notification: Notification
  receivedAt: number
  headers: IncomingHttpHeaders
}

export interface WebhookReceiverOptions {
  secret: string
  /** @default '127.0.0.1' */
  host?: string
  /** @default 0 (a free port) */
  port?: number
  /** Answers the next requests with these statuses (then 204 again), to rehearse a failing receiver. */
  failWith?: number[]
}

/**
 * An HTTP server that receives Twinflow's webhook notifications as a receiver should: it verifies
 * each request's signature and timestamp (`verifyWebhook`) and refuses a bad one with 401, keeps
 * every notification it accepted (redeliveries included, in order), and answers 204. For tests,
 * benchmarks and as a model of a receiver.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = []
  /** Requests refused, with why. */
  readonly refused: string[] = []
  readonly #server: Server
  readonly #listeners = new Set<(received: ReceivedWebhook) => void>()
  readonly #failWith: number[]
  #url = ''

  private constructor(private readonly options: WebhookReceiverOptions) {
    this.#failWith = [...(options.failWith ?? [])]
    this.#server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        const body = Buffer.concat(chunks)
        const failure = this.#failWith.shift()
        if (failure !== undefined) {
          res.writeHead(failure).end('rehearsed failure')
          return
        }
        try {
          verifyWebhook({ secret: this.options.secret, headers: req.headers, body })
        } catch (error) {
          this.refused.push((error as Error).message)
          res.writeHead(401, { 'content-type': 'text/plain' }).end((error as Error).message)
          return
        }
        const received = { notification: decodeNotification(JSON.parse(body.toString('utf8'))), receivedAt: Date.now(), headers: req.headers }
        this.received.push(received)
        res.writeHead(204).end()
        for (const listener of [...this.#listeners]) listener(received)
      })
    })
  }

  /** Starts a receiver; resolves once it listens. */
  static async start(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(options)
    await new Promise<void>((resolve, reject) => {
      receiver.#server.once('error', reject)
      receiver.#server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve())
    })
    const { address, port } = receiver.#server.address() as AddressInfo
    receiver.#url = `http://${address.includes(':') ? `[${address}]` : address}:${port}/hooks/twinflow`
    return receiver
  }

  /** The URL to configure as the webhook's `url`. */
  get url(): string {
    return this.#url
  }

  /** Calls `listener` on each notification accepted; returns the function that removes it. */
  onReceive(listener: (received: ReceivedWebhook) => void): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  /** Answers the next requests with these statuses. */
  failNext(...statuses: number[]): void {
    this.#failWith.push(...statuses)
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections()
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
