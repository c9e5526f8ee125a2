import { count, createJsonLogger, defineStream, definePipeline, defineView, sum, systemClock, t, TwinflowError, type LogBatch, type RealtimeStore } from '@twinflow/core'
import { MemoryDeadLetterQueue, MemoryRealtimeStore } from '@twinflow/plugin-memory'
import { describe, expect, it } from 'vitest'
import { BatchProcessor } from './batch-processor.ts'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 5)
const logger = createJsonLogger({ level: 'silent' })

const orders = defineStream('orders', { orderId: t.string(), shop: t.string(), amount: t.int64(), ts: t.eventTime() }, { dedupeBy: { field: 'orderId', horizon: '1d' } })
const byShop = defineView('byShop', orders, { groupBy: (e) => ({ shop: e.shop }), window: '1h', measures: (e) => ({ n: count(), amount: sum(e.amount) }) })
const pipeline = definePipeline({ streams: [orders], views: [byShop] })

interface Order {
  orderId: string
  shop: string
  amount: number
  ts: number
}

async function setup(store: RealtimeStore, cutoff = -Infinity) {
  const deadLetters = new MemoryDeadLetterQueue({}, { logger })
  await deadLetters.connect()
  return new BatchProcessor({
    pipeline,
    store,
    deadLetters,
    cutoff: () => cutoff,
    clock: systemClock,
    logger,
    consumer: 'test',
    maxEventBytes: 4096,
    retry: { retries: 2, initialDelayMs: 1, maxDelayMs: 2 },
  })
}

/** The log batch of events[first..last] (partition 0, offsets their indexes); a string is sent as it is (junk). */
function logBatch(events: readonly (Order | string)[], first: number, last: number): LogBatch {
  const records = events
    .slice(first, last + 1)
    .map((e, i) => ({ offset: first + i, key: null, value: Buffer.from(typeof e === 'string' ? e : JSON.stringify(e)), timestamp: Date.UTC(2030, 0, 1), headers: {} }))
  return { topic: orders.topic, partition: 0, records, firstOffset: first, lastOffset: last, highWatermark: events.length }
}

async function windows(store: RealtimeStore) {
  const rows = await store.readWindows('byShop', 0, Number.MAX_SAFE_INTEGER)
  return rows.map((r) => [r.windowStart, ...r.keys, ...r.cells]).sort((a, b) => Number(a[0]) - Number(b[0]) || String(a[1]).localeCompare(String(b[1])))
}

const order = (orderId: string, shop: string, amount: number, ts: number): Order => ({ orderId, shop, amount, ts })

describe('BatchProcessor with dedupeBy', () => {
  it('keeps the first event of an id per horizon bucket, in a batch and across batches, and a redelivery changes nothing', async () => {
    const store = new MemoryRealtimeStore()
    await store.start(pipeline)
    const processor = await setup(store)
    const events = [
      order('a', 's1', 10, T0 + 5),
      order('a', 's2', 99, T0 + 6), // a duplicate (same id, same day), even with other values
      'not json', // invalid: claims nothing
      order('b', 's1', 7, T0 + HOUR),
      order('a', 's1', 10, T0 + 24 * HOUR + 1), // the next day's bucket: kept
      order('b', 's1', 7, T0 + HOUR), // a copy of b
      order('c', 's2', 3, T0 + 2 * HOUR),
    ]
    const first = await processor.process(logBatch(events, 0, 3))
    expect(first).toMatchObject({ records: 4, invalid: 1, duplicateEvents: 1, applied: 2 })
    const second = await processor.process(logBatch(events, 4, 6))
    expect(second.duplicateEvents).toBe(1)
    const expected = [
      [T0, 's1', 1, 10],
      [T0 + HOUR, 's1', 1, 7],
      [T0 + 2 * HOUR, 's2', 1, 3],
      [T0 + 24 * HOUR, 's1', 1, 10],
    ]
    expect(await windows(store)).toEqual(expected)
    // Redelivered, also with other boundaries: each event keeps its own claim, the fences do the rest.
    expect((await processor.process(logBatch(events, 0, 6))).duplicateEvents).toBe(2)
    await processor.process(logBatch(events, 2, 5))
    expect(await windows(store)).toEqual(expected)
  })

  it('remembers the ids of events below the cutoff: a duplicate after the cutoff of an original before it is dropped', async () => {
    const store = new MemoryRealtimeStore()
    await store.start(pipeline)
    const processor = await setup(store, T0 + HOUR)
    const events = [order('x', 's1', 1, T0 + HOUR / 2), order('x', 's1', 1, T0 + HOUR + 5), order('y', 's1', 2, T0 + HOUR + 6)]
    const result = await processor.process(logBatch(events, 0, 2))
    expect(result).toMatchObject({ skippedBelowCutoff: 1, duplicateEvents: 1 })
    expect(await windows(store)).toEqual([[T0 + HOUR, 's1', 1, 2]])
  })

  it('counts each event once when the process fails between the claims and the deltas and the batch comes again', async () => {
    const memory = new MemoryRealtimeStore()
    await memory.start(pipeline)
    let failures = 1
    const store = Object.create(memory) as RealtimeStore
    store.apply = async (batch) => {
      if (failures-- > 0) throw new TwinflowError('unavailable', 'the store went away')
      return memory.apply(batch)
    }
    store.claimIds = (claims, ttlMs) => memory.claimIds(claims, ttlMs)
    store.readWindows = (view, from, to) => memory.readWindows(view, from, to)
    store.recordProgress = (...args) => memory.recordProgress(...args)
    const processor = await setup(store)
    const events = [order('a', 's1', 4, T0), order('a', 's1', 4, T0 + 1), order('b', 's1', 5, T0 + 2)]
    const error = await processor.process(logBatch(events, 0, 2)).then(
      () => null,
      (e: unknown) => e,
    )
    expect(TwinflowError.is(error, 'unavailable')).toBe(true)
    expect(await windows(memory)).toEqual([])
    expect((await processor.process(logBatch(events, 0, 2))).duplicateEvents).toBe(1)
    expect(await windows(memory)).toEqual([[T0, 's1', 2, 9]])
  })
})
