import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createJsonLogger, systemClock, type HttpCaller, type Source } from '@twinflow/core'
import { sourceConformance } from '@twinflow/testing/conformance'
import { parseHttpSourceOptions } from './http-source-options.ts'
import { HttpSource } from './http-source.ts'

const logger = createJsonLogger({ level: 'silent' })
const anyone: HttpCaller = { name: 'conformance', canRead: () => true, canIngest: () => true }
const servers = new Map<Source, { server: Server; url: string }>()

/** A source with its route on an HTTP server of its own (port 0), as the process mounts it; closing the source closes the server. */
async function open(): Promise<Source> {
  const source = new HttpSource('orders-http', 'orders', parseHttpSourceOptions({ stream: 'orders', maxBatchEvents: 50 }), systemClock, logger)
  const route = source.http.routes[0]!
  const server = createServer((req, res) => void route.handle(req, res, anyone))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  servers.set(source, { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${route.path}` })
  const close = source.close.bind(source)
  source.close = async () => {
    await close()
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  }
  return source
}

// A push source: its input is what clients POST; it holds no finite input and cannot deliver again
// what a client sent but the log did not take (the client retries), so `expected` and `resumes` do not apply.
sourceConformance('http', {
  open,
  openIdle: open,
  feed: async (source, payloads) => {
    const res = await fetch(servers.get(source)!.url, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: `${payloads.join('\n')}\n` })
    await res.arrayBuffer()
  },
})
