import { avg, count, defineStream, defineView, max, min, sum, t } from '@twinflow/core'
import { describe, expect, it } from 'vitest'
import { BatchAggregate } from './batch-aggregate'

const s = defineStream('s', { k: t.string(), n: t.int64(), ts: t.eventTime() })
const v = defineView('v', s, { groupBy: (e) => ({ k: e.k }), window: '1m', measures: (e) => ({ c: count(), total: sum(e.n), lo: min(e.n), hi: max(e.n), mean: avg(e.n) }) })
const event = (k: string, n: number, windowStart = 0) => ({ windowStart, keys: [k], cells: [1, n, n, n, n, 1] })

describe('BatchAggregate', () => {
  it('merges the events of one (view, window, keys) into one delta, by each cell monoid', () => {
    const agg = new BatchAggregate()
    agg.add(v, 10, event('a', 5))
    agg.add(v, 11, event('b', 7))
    agg.add(v, 12, event('a', -2))
    agg.add(v, 13, event('a', 9, 60_000))
    expect(agg.size).toBe(3)
    expect(agg.deltas()).toEqual([
      { view: 'v', windowStart: 0, keys: ['a'], cells: [2, 3, -2, 5, 3, 2] },
      { view: 'v', windowStart: 0, keys: ['b'], cells: [1, 7, 7, 7, 7, 1] },
      { view: 'v', windowStart: 60_000, keys: ['a'], cells: [1, 9, 9, 9, 9, 1] },
    ])
  })

  it('recomputes a group from its events after a fence only', () => {
    const agg = new BatchAggregate()
    agg.add(v, 10, event('a', 5))
    agg.add(v, 12, event('a', -2))
    agg.add(v, 15, event('a', 4))
    agg.add(v, 16, event('a', 1))
    expect(agg.deltaAfter(0, 12)).toEqual({ view: 'v', windowStart: 0, keys: ['a'], cells: [2, 5, 1, 4, 5, 2] })
    expect(agg.deltaAfter(0, 9)).toEqual(agg.deltas()[0])
    expect(agg.deltaAfter(0, 16)).toBeNull()
  })
})
