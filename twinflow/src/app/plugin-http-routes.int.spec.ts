import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
// Public entry points only, as a plugin author would use them.
import { definePlugin, TwinflowError, type HttpMethod, type Source, type SourceBatch } from '@twinflow/core'
import { onlineStorePipeline } from '@twinflow/example-online-store'
import { createTwinflow, type Twinflow } from 'twinflow'
import { embeddedTestConfig } from '../testing/embedded-config.ts'

const sha = (key: string) => createHash('sha256').update(key).digest('hex')
/** What the webhook sources' `connect` waits for (a test holds it to see the process before its sources are connected). */
let connectGate: Promise<void> = Promise.resolve()

/**
 * A third-party push source with an HttpEndpoint: `POST <path>` takes one JSON event and answers
 * 202 once its batch is acked (`GET <path>` says how many it took), for whoever may ingest into its stream.
 */
const webhookSource = definePlugin({
  kind: 'source',
  name: 'webhook',
  description: 'one event per POST',
  parseOptions: (raw) => {
    const o = raw as { stream?: unknown; path?: unknown; methods?: unknown }
    if (typeof o.stream !== 'string' || typeof o.path !== 'string') throw new TwinflowError('config', 'options.stream and options.path are required')
    return { stream: o.stream, path: o.path, methods: (o.methods as HttpMethod[] | undefined) ?? ['POST', 'GET'] }
  },
  create: (options, ctx): Source => {
    const queue: { value: string; answer: (status: number) => void }[] = []
    let wake: (() => void) | null = null
    let taken = 0
    const callers: string[] = []
    return {
      name: ctx.instanceName,
      stream: options.stream,
      http: {
        routes: options.methods.map((method) => ({
          method,
          path: options.path,
          handle: async (req, res, caller) => {
            callers.push(caller.name)
            if (method === 'GET') return void res.end(JSON.stringify({ taken, callers }))
            if (!caller.canIngest(options.stream)) return void res.writeHead(403).end()
            let body = ''
            for await (const chunk of req) body += chunk
            const status = await new Promise<number>((answer) => {
              queue.push({ value: body, answer })
              wake?.()
            })
            res.writeHead(status).end()
          },
        })),
      },
      connect: () => connectGate,
      close: async () => {},
      read: async (signal): Promise<SourceBatch> => {
        while (queue.length === 0) {
          await new Promise<void>((resolve, reject) => {
            wake = resolve
            signal.addEventListener('abort', () => reject(signal.reason), { once: true })
          })
        }
        const items = queue.splice(0)
        return {
          messages: items.map((i) => ({ value: i.value })),
          ack: async (outcome) => {
            taken += outcome.accepted
            const rejected = new Set(outcome.rejected.map((r) => r.index))
            items.forEach((item, i) => item.answer(rejected.has(i) ? 422 : 202))
          },
        }
      },
    }
  },
})

describe('HTTP routes of third-party plugins (HttpEndpoint)', () => {
  let twinflow: Twinflow | undefined
  afterEach(async () => {
    await twinflow?.stop()
    twinflow = undefined
  })

  it('are mounted on the serving port behind the API authentication, with the caller and its permissions, while ingest runs', async () => {
    const config = embeddedTestConfig({
      sources: [{ plugin: 'webhook', name: 'hook', options: { stream: 'orders', path: '/hooks/orders' } }],
      serving: {
        port: 0,
        host: '127.0.0.1',
        auth: {
          mode: 'api-key',
          keys: [
            { name: 'shop-a', sha256: sha('a'), ingest: ['orders'] },
            { name: 'viewer', sha256: sha('v'), views: ['*'] },
          ],
        },
      },
    })
    twinflow = createTwinflow({ pipeline: onlineStorePipeline, config, plugins: [webhookSource] })
    await twinflow.start(['ingest'])
    const url = `${twinflow.opsUrl}/hooks/orders`
    const event = { orderId: 'o1', shopId: 'north', customerId: 'c1', amountCents: 100, items: 1, status: 'paid', ts: Date.now() }
    const post = (key: string | null, body: unknown) =>
      fetch(url, { method: 'POST', headers: key ? { 'x-api-key': key } : {}, body: JSON.stringify(body) }).then(async (r) => ({ status: r.status, body: await r.text() }))
    expect(await post(null, event)).toMatchObject({ status: 401, body: expect.stringMatching(/unauthenticated: an API key is required/) })
    expect((await post('v', event)).status).toBe(403)
    expect((await post('a', event)).status).toBe(202)
    expect((await post('a', { orderId: 'bad' })).status).toBe(422) // the runner rejected it (schema) and the source said so
    expect((await fetch(url, { method: 'DELETE', headers: { 'x-api-key': 'a' } })).status).toBe(405)
    expect(await (await fetch(url, { headers: { 'x-api-key': 'v' } })).json()).toEqual({ taken: 1, callers: ['viewer', 'shop-a', 'shop-a', 'viewer'] })
  })

  it('/readyz says not ready (check "sources") until every source has connected', async () => {
    let open = () => {}
    connectGate = new Promise<void>((resolve) => (open = resolve))
    try {
      const config = embeddedTestConfig({
        sources: [{ plugin: 'webhook', name: 'hook', options: { stream: 'orders', path: '/hooks/orders' } }],
        serving: { port: 0, host: '127.0.0.1' },
      })
      twinflow = createTwinflow({ pipeline: onlineStorePipeline, config, plugins: [webhookSource] })
      await twinflow.start(['ingest'])
      const ready = async () => {
        const res = await fetch(`${twinflow!.opsUrl}/readyz`)
        return { status: res.status, sources: ((await res.json()) as { checks: Record<string, { ok: boolean }> }).checks.sources?.ok }
      }
      expect(await ready()).toEqual({ status: 503, sources: false })
      open()
      await expect.poll(ready, { timeout: 10_000, interval: 100 }).toEqual({ status: 200, sources: true })
    } finally {
      open()
      connectGate = Promise.resolve()
    }
  })

  it('a route on a path of Twinflow, or on the path and method of another source, fails at start naming both', async () => {
    const start = async (sources: { plugin: string; name: string; options: unknown }[]) => {
      twinflow = createTwinflow({ pipeline: onlineStorePipeline, config: embeddedTestConfig({ sources }), plugins: [webhookSource] })
      await expect(twinflow.validate()).rejects.toThrow(TwinflowError)
      return twinflow.start(['ingest']).then(
        () => 'started',
        (error: Error) => error.message,
      )
    }
    expect(await start([{ plugin: 'webhook', name: 'hook', options: { stream: 'orders', path: '/graphql' } }])).toBe(
      `source "hook": POST /graphql: that path is Twinflow's (GraphQL); give the route another path`,
    )
    await twinflow?.stop()
    expect(await start([{ plugin: 'webhook', name: 'hook', options: { stream: 'orders', path: '/ui/hooks' } }])).toMatch(/that path is Twinflow's \(the dashboard\)/)
    await twinflow?.stop()
    expect(
      await start([
        { plugin: 'webhook', name: 'a', options: { stream: 'orders', path: '/hooks' } },
        { plugin: 'webhook', name: 'b', options: { stream: 'pageViews', path: '/hooks', methods: ['GET'] } },
      ]),
    ).toBe('source "b": GET /hooks: source "a" serves that method and path too; give one of them another path')
  })
})
