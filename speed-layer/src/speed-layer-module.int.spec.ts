import { channelsModule, createJsonLogger, pluginModule, resolve, resolveAll, systemClock, TOKENS, TwinflowError, type Resolver, type Token } from '@twinflow/core'
import { generateOrders, onlineStorePipeline } from '@twinflow/example-online-store'
import { memoryDeadLetterQueuePlugin, memoryEventLogPlugin, memoryRealtimeStorePlugin, memorySinkPlugin, type MemoryEventLog, type MemorySink } from '@twinflow/plugin-memory'
import { Container, ContainerModule } from 'inversify'
import { describe, expect, it } from 'vitest'
import { speedLayerModule } from './speed-layer-module.ts'
import { SPEED_TOKENS } from './speed-tokens.ts'
import { SettableCutoffSource } from './testing/settable-cutoff-source.ts'

function container(sinks: number) {
  const c = new Container()
  const get = <T>(id: Token<T>): T => resolve(c as unknown as Resolver, id)
  c.load(
    new ContainerModule(({ bind }) => {
      bind(TOKENS.Pipeline).toConstantValue(onlineStorePipeline)
      bind(TOKENS.DataDirectory).toConstantValue('/nonexistent/twinflow-data')
      bind(TOKENS.Clock).toConstantValue(systemClock)
      bind(TOKENS.Logger).toConstantValue(createJsonLogger({ level: 'silent' }))
    }),
    pluginModule(memoryEventLogPlugin, {}, 'runtimes.eventLog'),
    pluginModule(memoryRealtimeStorePlugin, {}, 'runtimes.realtimeStore'),
    pluginModule(memoryDeadLetterQueuePlugin, {}, 'runtimes.deadLetterQueue'),
    ...Array.from({ length: sinks }, (_, i) => pluginModule(memorySinkPlugin, {}, `sinks[${i}]`, `sink-${i}`)),
    channelsModule(),
    speedLayerModule({ groupId: 'speed-test', maxBatchSize: 50 }),
  )
  return { c, get }
}

describe('speedLayerModule', () => {
  it('binds a worker over the bound runtimes and the channels (every sink)', async () => {
    const { c, get } = container(2)
    const cutoffs = new SettableCutoffSource()
    c.rebind(SPEED_TOKENS.CutoffSource).toConstantValue(cutoffs)
    const log = get(TOKENS.EventLog) as MemoryEventLog
    const store = get(TOKENS.RealtimeStore)
    await log.connect()
    for (const stream of onlineStorePipeline.streams) await log.createTopic(stream.topic, 2)
    await store.start(onlineStorePipeline)
    await get(TOKENS.DeadLetterQueue).connect()
    const sinks = resolveAll(c as unknown as Resolver, TOKENS.Sink) as MemorySink[]
    for (const sink of sinks) await sink.connect()

    const worker = get(SPEED_TOKENS.Worker)
    expect(get(SPEED_TOKENS.Worker)).toBe(worker)
    expect(worker.options).toMatchObject({ groupId: 'speed-test', maxBatchSize: 50 })
    await worker.start()
    const orders = generateOrders(120, { seed: 4, from: Date.UTC(2026, 0, 5), to: Date.UTC(2026, 0, 6) })
    await log.produce(
      'twinflow.orders',
      orders.map((o) => ({ key: o.orderId, value: Buffer.from(JSON.stringify(o)) })),
    )
    await log.caughtUp('speed-test', ['twinflow.orders', 'twinflow.pageViews'])
    await worker.stop()
    expect(cutoffs.reads).toBeGreaterThan(0)
    expect(sinks.map((s) => s.name)).toEqual(['sink-0', 'sink-1'])
    for (const sink of sinks) expect(sink.batches().length).toBeGreaterThan(0)
    const counted = (await store.readWindows('orderMix', 0, Number.MAX_SAFE_INTEGER)).reduce((n, r) => n + (r.cells[0] as number), 0)
    expect(counted).toBe(120)
  })

  it('works without sinks', () => {
    const { c, get } = container(0)
    c.rebind(SPEED_TOKENS.CutoffSource).toConstantValue(new SettableCutoffSource())
    expect(get(SPEED_TOKENS.Worker).options.groupId).toBe('speed-test')
  })

  it('validates its options when the module is made', () => {
    expect(() => speedLayerModule({ maxBatchSize: -1 })).toThrow(TwinflowError)
    expect(() => speedLayerModule({ maxBatchSize: -1 })).toThrow('speed.maxBatchSize: must be an integer >= 1, got -1')
  })
})
