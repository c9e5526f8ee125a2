import { count, defineStream, definePipeline, defineView, sum, t } from '@twinflow/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestPipeline } from './create-test-pipeline.ts'
import type { TestInput, TestPipeline } from './test-pipeline.ts'

// dedupeBy through all three layers: duplicates sent before and after a batch run, on both sides
// of the cutoff, are counted once (docs/architecture.md, "Deduplication").
const orders = defineStream('orders', { orderId: t.string(), shop: t.string(), amount: t.int64(), ts: t.eventTime() }, { dedupeBy: { field: 'orderId', horizon: '1d' } })
const byShop = defineView('byShop', orders, { groupBy: (o) => ({ shop: o.shop }), window: '1h', measures: (o) => ({ orders: count(), amount: sum(o.amount) }) })
const pipeline = definePipeline({ streams: [orders], views: [byShop] })
const at = (hour: number, minute: number) => Date.UTC(2026, 10, 23, hour, minute)
const order = (orderId: string, shop: string, amount: number, ts: number) => ({ orderId, shop, amount, ts })
const byId = (input: TestInput) => (input as { orderId?: string }).orderId

const SERIES = `{ byShop(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z", orderBy: [{ field: WINDOW_START }, { field: SHOP }]) { cutoff rows { windowStart shop orders amount } } }`
const DAY = `{ byShop(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z", granularity: DAY, orderBy: [{ field: SHOP }]) { rows { shop orders amount } } }`

describe('dedupeBy through batch, speed and serving', () => {
  let tf: TestPipeline | undefined
  afterEach(async () => {
    await tf?.stop()
    tf = undefined
  })

  it('counts each order once, whichever layer has its original and its duplicates, before and after batch runs', async () => {
    tf = await createTestPipeline({ pipeline, now: '2026-11-23T12:30:00Z' })
    await tf.send(
      'orders',
      [
        order('a', 's1', 10, at(9, 10)),
        order('a', 's1', 10, at(9, 10)), // a copy
        order('b', 's1', 5, at(9, 20)),
        order('c', 's2', 7, at(9, 50)),
        order('c', 's2', 7, at(10, 20)), // a retry stamped later: after the cutoff, its original before it
        order('e', 's1', 3, at(10, 40)),
        order('d', 's2', 1, at(10, 50)),
      ],
      { key: byId },
    )
    await tf.runBatch()
    const expected = [
      { windowStart: '2026-11-23T09:00:00.000Z', shop: 's1', orders: 2, amount: 15 },
      { windowStart: '2026-11-23T09:00:00.000Z', shop: 's2', orders: 1, amount: 7 },
      { windowStart: '2026-11-23T10:00:00.000Z', shop: 's1', orders: 1, amount: 3 },
      { windowStart: '2026-11-23T10:00:00.000Z', shop: 's2', orders: 1, amount: 1 },
    ]
    const first = (await tf.query(SERIES)).byShop
    expect(first.cutoff).toBe('2026-11-23T10:00:00.000Z')
    expect(first.rows).toEqual(expected)

    await tf.send(
      'orders',
      [
        order('a', 's1', 10, at(9, 15)), // late, below the cutoff: a duplicate for both layers
        order('d', 's2', 1, at(11, 30)), // after the cutoff, its original too
        order('f', 's1', 2, at(12, 0)),
        order('e', 's1', 3, at(12, 10)), // its original is the speed layer's
        order('g', 's1', 4, at(12, 20)),
        order('f', 's1', 2, at(12, 0)), // a copy
      ],
      { key: byId },
    )
    const withNew = [...expected, { windowStart: '2026-11-23T12:00:00.000Z', shop: 's1', orders: 2, amount: 6 }]
    expect((await tf.query(SERIES)).byShop.rows).toEqual(withNew)
    expect((await tf.query(DAY)).byShop.rows).toEqual([
      { shop: 's1', orders: 5, amount: 24 },
      { shop: 's2', orders: 2, amount: 8 },
    ])

    // The next run moves the cutoff over the speed layer's windows: the same answers.
    await tf.runBatch()
    const second = (await tf.query(SERIES)).byShop
    expect(second.cutoff).toBe('2026-11-23T12:00:00.000Z')
    expect(second.rows).toEqual(withNew)
    expect(tf.deadLetters()).toEqual([])
  })
})
