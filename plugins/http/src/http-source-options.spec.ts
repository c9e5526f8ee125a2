import { createJsonLogger, definePipeline, defineStream, type PluginContext, systemClock, t, TwinflowError } from '@twinflow/core'
import { describe, expect, it } from 'vitest'
import { parseHttpSourceOptions } from './http-source-options.ts'
import { httpSourcePlugin } from './http-source-plugin.ts'

describe('parseHttpSourceOptions', () => {
  it('fills in the defaults', () => {
    expect(parseHttpSourceOptions({ stream: 'orders' })).toEqual({
      stream: 'orders',
      maxBodyBytes: 16 * 1024 * 1024,
      maxRecordBytes: 1024 * 1024,
      maxBatchEvents: 5000,
      maxBatchBytes: 768 * 1024,
      maxQueuedBytes: 64 * 1024 * 1024,
      ackTimeoutMs: 10_000,
      retryAfterSeconds: 5,
      idempotency: { windowMs: 3_600_000, maxKeys: 5000 },
    })
    expect(parseHttpSourceOptions({ stream: 'orders', rateLimit: { eventsPerSecond: 5000 } }).rateLimit).toEqual({ per: 'caller', eventsPerSecond: 5000, burstSeconds: 1 })
  })

  it('says what to fix', () => {
    const problem = (raw: unknown) => {
      try {
        parseHttpSourceOptions(raw)
        return 'no error'
      } catch (error) {
        expect(TwinflowError.is(error, 'config')).toBe(true)
        return (error as Error).message
      }
    }
    expect(problem({})).toContain('stream: must name a stream of the pipeline')
    expect(problem({ stream: 'orders', path: 'ingest' })).toContain('path: must be a URL path such as /ingest/orders')
    expect(problem({ stream: 'orders', rateLimit: { per: 'caller' } })).toContain('rateLimit: give requestsPerSecond, eventsPerSecond or both')
    expect(problem({ stream: 'orders', maxRecordBytes: 2 * 1024 * 1024 })).toContain('maxRecordBytes')
    expect(problem({ stream: 'orders', maxBodyBytes: 8 * 1024 * 1024, maxQueuedBytes: 1024 * 1024 })).toContain('maxQueuedBytes: must be at least maxBodyBytes')
    expect(problem({ stream: 'orders', idempotency: { windowMs: 1 } })).toContain('idempotency.windowMs')
    expect(problem({ stream: 'orders', maxBatch: 1 })).toContain('unknown option "maxBatch"')
  })
})

describe('httpSourcePlugin', () => {
  const pipeline = definePipeline({ streams: [defineStream('orders', { id: t.string(), ts: t.eventTime() })], views: [] })
  const context: PluginContext = {
    clock: systemClock,
    logger: createJsonLogger({ level: 'silent' }),
    pipeline,
    instanceName: 'orders-http',
    dataDir: '/nonexistent',
    scheduler: () => {
      throw new Error('the http source runs on no schedule')
    },
  }

  it('makes a source of the stream with its route at /ingest/<stream> (or its path)', () => {
    const source = httpSourcePlugin.create(parseHttpSourceOptions({ stream: 'orders' }), context)
    expect([source.name, source.stream, source.http?.routes.map((r) => `${r.method} ${r.path}`)]).toEqual(['orders-http', 'orders', ['POST /ingest/orders']])
    expect(httpSourcePlugin.create(parseHttpSourceOptions({ stream: 'orders', path: '/hooks/shop-a' }), context).http?.routes[0]?.path).toBe('/hooks/shop-a')
  })

  it('refuses a stream the pipeline does not have, naming those it has', () => {
    expect(() => httpSourcePlugin.create(parseHttpSourceOptions({ stream: 'payments' }), context)).toThrow('stream: unknown stream "payments"; streams: orders')
  })
})
