import { describe, expect, it } from 'vitest'
import { count, defineStream, defineView, t } from '@twinflow/core'
import { KeyFilter } from './key-filter.ts'

const events = defineStream('events', { kind: t.string(), size: t.int64(), ts: t.eventTime() })
const view = defineView('bySize', events, { groupBy: (e) => ({ kind: e.kind, size: e.size }), window: '1h', measures: () => ({ n: count() }) })

describe('KeyFilter', () => {
  it('keeps each allowed value once per key, and narrows the read to the key with the fewest', () => {
    const filter = new KeyFilter(view, { kind: ['a', 'b', 'a'], size: [3] })
    expect(filter.values).toEqual({ kind: ['a', 'b'], size: [3] })
    expect(filter.narrowest).toMatchObject({ index: 1, values: new Set([3]) })
    expect(
      filter.select([
        { windowStart: 0, keys: ['a', 3], cells: [1] },
        { windowStart: 0, keys: ['c', 3], cells: [1] },
      ]),
    ).toHaveLength(1)
  })

  it('refuses a value of another type, and a number that is not a safe integer for an int key', () => {
    expect(() => new KeyFilter(view, { kind: [1] })).toThrow('key "kind" of view "bySize" is a string; got 1')
    expect(() => new KeyFilter(view, { size: [1.5] })).toThrow('key "size" of view "bySize" is a int; got 1.5')
    expect(() => new KeyFilter(view, { size: [2 ** 60] })).toThrow(/key "size" of view "bySize" is a int; got 11529215046068470\d+/)
    expect(() => new KeyFilter(view, { color: ['red'] })).toThrow('view "bySize" has no key "color"; its keys: kind, size')
  })
})
