import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from '@twinflow/core'
import type { NodeHandler } from './ops-routes.ts'

export interface ProcessHttpServerOptions {
  port: number
  host: string
}

/**
 * A process's HTTP server: paths (the operations endpoints, the GraphQL path) to handlers; a path
 * that ends with `/` (the dashboard's `/ui/`) is a prefix: it takes every path under it that has no
 * route of its own, the longest prefix first. Anything else is a 404. Slow clients are cut off (headers in 10 s, whole request in 30 s);
 * subscription streams are responses, so they may last.
 */
export class ProcessHttpServer {
  #server: Server | null = null

  constructor(
    private readonly routes: ReadonlyMap<string, NodeHandler>,
    private readonly options: ProcessHttpServerOptions,
    private readonly logger: Logger,
  ) {}

  #prefixRoute(path: string): NodeHandler | undefined {
    let best: string | undefined
    for (const route of this.routes.keys()) if (route.endsWith('/') && path.startsWith(route) && (!best || route.length > best.length)) best = route
    return best === undefined ? undefined : this.routes.get(best)
  }

  /** Starts listening; resolves to the base URL (`http://host:port`). */
  async start(): Promise<string> {
    const server = createServer({ headersTimeout: 10_000, requestTimeout: 30_000 }, (req, res) => {
      const path = (req.url ?? '/').split('?')[0]!
      const handler = this.routes.get(path) ?? this.#prefixRoute(path)
      if (handler) return handler(req, res)
      res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' })
      res.end(JSON.stringify({ error: `no route ${path}; routes: ${[...this.routes.keys()].join(', ')}` }))
    })
    this.#server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port, this.options.host, () => {
        server.off('error', reject)
        resolve()
      })
    })
    server.on('error', (error) => this.logger.error('http server error', { error }))
    const address = server.address() as AddressInfo
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    return `http://${host}:${address.port}`
  }

  /** Stops accepting, ends open connections (subscription streams included) and closes. */
  async stop(): Promise<void> {
    const server = this.#server
    this.#server = null
    if (!server) return
    const closed = new Promise<void>((resolve) => server.close(() => resolve()))
    server.closeAllConnections()
    await closed
  }
}
