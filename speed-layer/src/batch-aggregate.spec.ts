import { avg, count, defineStream, defineView, max, min, sum, t } from '@twinflow/core'
import { describe, expect, it } from 'vitest'
import { BatchAggregate } from './batch-aggregate.ts'

const s = defineStream('s', { k: t.string(), n: t.int64(), ts: t.eventTime() })
const v = defineView('v', s, { groupBy: (e) => ({ k: e.k }), window: '1m', measures: (e) => ({ c: count(), total: sum(e.n), lo: min(e.n), hi: max(e.n), mean: avg(e.n) }) })
const event = (k: string, n: number, windowStart = 0) => ({ windowStart, keys: [k], cells: [1, n, n, n, n, 1] })

describe('BatchAggregate', () => {
  it('merges the events of one (view, window, keys) into one delta, by each cell monoid', () => {
    const agg = new BatchAggregate()
    agg.add(v, event('a', 5))
    agg.add(v, event('b', 7))
    agg.add(v, event('a', -2))
    agg.add(v, event('a', 9, 60_000))
    expect(agg.size).toBe(3)
    expect(agg.deltas()).toEqual([
      { view: 'v', windowStart: 0, keys: ['a'], cells: [2, 3, -2, 5, 3, 2] },
      { view: 'v', windowStart: 0, keys: ['b'], cells: [1, 7, 7, 7, 7, 1] },
      { view: 'v', windowStart: 60_000, keys: ['a'], cells: [1, 9, 9, 9, 9, 1] },
    ])
  })

  it('keeps nothing of an added event: changing its cells afterwards changes no delta', () => {
    const agg = new BatchAggregate()
    const first = event('a', 5)
    agg.add(v, first)
    first.cells.fill(100)
    const second = event('a', 1)
    agg.add(v, second)
    second.cells.fill(100)
    expect(agg.deltas()).toEqual([{ view: 'v', windowStart: 0, keys: ['a'], cells: [2, 6, 1, 5, 6, 2] }])
  })

  it('keeps nothing of an added event: reusing its keys and cells for the next event changes no delta', () => {
    const agg = new BatchAggregate()
    const scratch = event('a', 5)
    agg.add(v, scratch)
    scratch.keys[0] = 'b'
    scratch.cells.splice(0, 6, 1, 7, 7, 7, 7, 1)
    agg.add(v, scratch)
    expect(agg.deltas()).toEqual([
      { view: 'v', windowStart: 0, keys: ['a'], cells: [1, 5, 5, 5, 5, 1] },
      { view: 'v', windowStart: 0, keys: ['b'], cells: [1, 7, 7, 7, 7, 1] },
    ])
  })

  it('finds the delta of one group by view, window and keys', () => {
    const agg = new BatchAggregate()
    agg.add(v, event('a', 5))
    agg.add(v, event('a', 4, 60_000))
    expect(agg.deltaOf(v, 60_000, ['a'])).toEqual({ view: 'v', windowStart: 60_000, keys: ['a'], cells: [1, 4, 4, 4, 4, 1] })
    expect(agg.deltaOf(v, 0, ['b'])).toBeNull()
    expect(agg.deltaOf(v, 120_000, ['a'])).toBeNull()
  })
})
