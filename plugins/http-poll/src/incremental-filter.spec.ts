import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compareCursor } from './compare-cursor.ts'
import { filterIncremental, type IncrementalRule } from './incremental-filter.ts'
import { compileJsonPath } from './json-path.ts'
import type { Watermark } from './poll-checkpoint.ts'

const rule: IncrementalRule = { field: compileJsonPath('updated'), key: compileJsonPath('id'), maxKeys: 1000 }

describe('filterIncremental', () => {
  it('drops the records at the watermark already delivered and those before it; the highest value becomes the watermark', () => {
    const since: Watermark = { value: 10, keys: [] }
    const first = filterIncremental([{ id: 'a', updated: 10 }], rule, since, since)
    expect(first.keep).toEqual([true])
    const again = filterIncremental(
      [{ id: 'a', updated: 10 }, { id: 'b', updated: 10 }, { id: 'c', updated: 9 }, { id: 'd', updated: 12 }, { id: 'e' }],
      rule,
      first.high,
      first.high,
    )
    expect(again.keep).toEqual([false, true, false, true, true])
    expect(again.high?.value).toBe(12)
    expect(again.high?.keys).toHaveLength(1)
  })

  it('orders ISO times by instant, and keys at the top beyond maxKeys are an overflow', () => {
    expect(compareCursor('2026-03-01T10:00:00+01:00', '2026-03-01T09:30:00Z')).toBeLessThan(0)
    expect(compareCursor('2026-03-01T09:00:00Z', '2026-03-01T10:00:00+01:00')).toBe(0)
    expect(compareCursor(5, 40)).toBeLessThan(0)
    expect(compareCursor('b', 'a')).toBeGreaterThan(0)
    const r = filterIncremental(
      [1, 2, 3].map((id) => ({ id, updated: 'x' })),
      { ...rule, maxKeys: 2 },
      null,
      null,
    )
    expect(r.overflow).toBe(true)
    expect(r.high?.keys).toHaveLength(2)
  })

  it('property: polls of an API filtering `updated >= since`, in any page order, deliver every version seen exactly once', () => {
    // A table of records whose `updated` only grows; between polls some records change or appear.
    const change = fc.record({ id: fc.integer({ min: 0, max: 6 }), bump: fc.integer({ min: 0, max: 2 }) })
    fc.assert(
      fc.property(fc.array(fc.array(change, { maxLength: 5 }), { minLength: 1, maxLength: 8 }), fc.array(fc.nat(), { minLength: 1 }), (rounds, shuffles) => {
        const table = new Map<number, number>()
        let clock = 0
        let since: Watermark | null = null
        const delivered: string[] = []
        const visible = new Set<string>()
        rounds.forEach((changes, round) => {
          for (const { id, bump } of changes) {
            clock += bump // several changes may share a time
            table.set(id, Math.max(table.get(id) ?? 0, clock))
          }
          const answer = [...table].filter(([, updated]) => since === null || updated >= (since.value as number)).map(([id, updated]) => ({ id, updated }))
          // Pages in any order: the filter must not depend on it.
          const seed = shuffles[round % shuffles.length]!
          answer.sort((a, b) => ((a.id * 7 + seed) % 11) - ((b.id * 7 + seed) % 11))
          for (const [id, updated] of table) visible.add(`${id}@${updated}`)
          const result = filterIncremental(answer, rule, since, since)
          answer.forEach((r, i) => {
            if (result.keep[i]) delivered.push(`${r.id}@${r.updated}`)
          })
          since = result.high ?? since
        })
        expect(delivered.length).toBe(new Set(delivered).size)
        // Every version the API showed at some poll was delivered.
        expect(new Set(delivered)).toEqual(visible)
      }),
      { numRuns: 500 },
    )
  })
})
