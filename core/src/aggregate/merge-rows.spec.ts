import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { count, max, sum } from '../measures/measures.ts'
import { defineStream } from '../schema/define-stream.ts'
import { t } from '../schema/t.ts'
import { defineView } from '../view/define-view.ts'
import { indexMerged, mergeCells, mergeRows } from './merge-rows.ts'
import { groupId, type PartialRow } from './partial-row.ts'

const s = defineStream('s', { a: t.string(), b: t.int64(), n: t.int64(), ts: t.eventTime() })
const measures = (e: { n: never }) => ({ c: count(), total: sum(e.n), hi: max(e.n) })
const views = {
  none: defineView('none', s, { groupBy: () => ({}), window: '1m', measures }),
  one: defineView('one', s, { groupBy: (e) => ({ a: e.a }), window: '1m', measures }),
  two: defineView('two', s, { groupBy: (e) => ({ a: e.a, b: e.b }), window: '1m', measures }),
}

/** The plain definition: one group per string id of (bucket, keys), in the order first seen. */
function reference(view: (typeof views)[keyof typeof views], rows: PartialRow[], size: number): PartialRow[] {
  const groups = new Map<string, PartialRow>()
  for (const row of rows) {
    const windowStart = row.windowStart - (row.windowStart % size)
    const id = groupId(windowStart, row.keys)
    const found = groups.get(id)
    if (found) mergeCells(view, found.cells, row.cells)
    else groups.set(id, { windowStart, keys: row.keys, cells: row.cells.slice() })
  }
  return [...groups.values()]
}

const rowOf = (keyCount: number) =>
  fc.record({
    windowStart: fc.integer({ min: 0, max: 20 }).map((m) => m * 60_000),
    keys: fc.tuple(fc.constantFrom('x', 'y', '1', ''), fc.constantFrom(1, 2, -0)).map((k) => k.slice(0, keyCount)),
    cells: fc.integer({ min: -50, max: 50 }).map((n) => [1, n, n]),
  })

describe('mergeRows', () => {
  for (const [name, keyCount] of [
    ['none', 0],
    ['one', 1],
    ['two', 2],
  ] as const) {
    it(`gives the groups of the plain string-keyed definition, in first-seen order (${keyCount} keys)`, () => {
      fc.assert(
        fc.property(fc.array(rowOf(keyCount), { maxLength: 60 }), fc.constantFrom(60_000, 300_000, 3_600_000), (rows, size) => {
          const before = structuredClone(rows)
          expect(mergeRows(views[name], rows, size)).toEqual(reference(views[name], rows, size))
          expect(rows).toEqual(before) // input not mutated
        }),
      )
    })
  }
  it('returns a row alone in its group and aligned to its bucket as it is; copies merged and realigned rows', () => {
    const aligned = { windowStart: 300_000, keys: ['x'], cells: [1, 5, 5] }
    const first = { windowStart: 0, keys: ['y'], cells: [1, 2, 2] }
    const second = { windowStart: 60_000, keys: ['y'], cells: [1, 3, 3] }
    const realigned = { windowStart: 360_000, keys: ['z'], cells: [1, 4, 4] }
    const out = mergeRows(views.one, [aligned, first, second, realigned], 300_000)
    expect(out[0]).toBe(aligned)
    expect(out[1]).toEqual({ windowStart: 0, keys: ['y'], cells: [2, 5, 3] })
    expect(out[1]).not.toBe(first)
    expect(out[2]).toEqual({ windowStart: 300_000, keys: ['z'], cells: [1, 4, 4] })
    expect(first.cells).toEqual([1, 2, 2])
  })
  for (const [name, keyCount] of [
    ['none', 0],
    ['one', 1],
    ['two', 2],
  ] as const) {
    it(`into an indexed base: the groups of merging base's rows and then the others, base not mutated (${keyCount} keys)`, () => {
      fc.assert(
        fc.property(
          fc.array(rowOf(keyCount), { maxLength: 40 }),
          fc.array(rowOf(keyCount), { maxLength: 40 }),
          fc.constantFrom(60_000, 300_000, 3_600_000),
          (first, rest, size) => {
            const base = indexMerged(views[name], first, size)
            const before = structuredClone([base.rows, rest])
            expect(mergeRows(views[name], rest, size, base)).toEqual(reference(views[name], [...first, ...rest], size))
            expect([base.rows, rest]).toEqual(before) // neither base nor the input mutated
          },
        ),
      )
    })
  }
  it('indexes each merged row by its bucket and group', () => {
    const base = indexMerged(
      views.two,
      [
        { windowStart: 60_000, keys: ['x', 1], cells: [1, 2, 2] },
        { windowStart: 0, keys: ['x', 1], cells: [1, 3, 3] },
        { windowStart: 0, keys: ['y', 2], cells: [1, 4, 4] },
      ],
      300_000,
    )
    expect(base.rows).toEqual([
      { windowStart: 0, keys: ['x', 1], cells: [2, 5, 3] },
      { windowStart: 0, keys: ['y', 2], cells: [1, 4, 4] },
    ])
    expect([...base.index.get(0)!.values()]).toEqual([0, 1])
  })
})
