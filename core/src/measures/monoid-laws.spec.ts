import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { avg, count, defineStream, defineView, distinct, max, min, quantiles, sum, t, type CellValue } from '../index.ts'
import { emptyCells, mergeCells } from '../aggregate/merge-rows.ts'
import { finalizeRow } from '../aggregate/finalize-row.ts'
import { compileViewEvaluator } from '../aggregate/compile-view-evaluator.ts'
import { compileGroupFolder, eventCells } from '../aggregate/group-folder.ts'

const s = defineStream('s', { n: t.int64(), f: t.float64(), ts: t.eventTime() })
const view = defineView('v', s, {
  groupBy: () => ({}),
  window: '1h',
  measures: (e) => ({
    c: count(),
    si: sum(e.n),
    sf: sum(e.f),
    mi: min(e.n),
    mf: min(e.f),
    xi: max(e.n),
    xf: max(e.f),
    ai: avg(e.n),
    af: avg(e.f),
    dn: distinct(e.n, { precision: 4 }),
    qf: quantiles(e.f, [0, 0.5, 1]),
  }),
})
const evaluate = compileViewEvaluator(view)

// Integers and dyadic floats: exact under any addition order, so the laws hold with equality.
const event = fc.record({
  n: fc.integer({ min: -1_000_000, max: 1_000_000 }),
  f: fc.integer({ min: -4096, max: 4096 }).map((k) => k / 8),
  ts: fc.integer({ min: 0, max: 3_599_999 }),
})
const lifted = (e: { n: number; f: number; ts: number }) => eventCells(view, evaluate(e)!.cells)
const state = fc.array(event, { maxLength: 20 }).map((events) => {
  const cells = emptyCells(view)
  for (const e of events) mergeCells(view, cells, lifted(e))
  return cells
})
const combine = (a: CellValue[], b: CellValue[]) => {
  const out = a.slice()
  mergeCells(view, out, b)
  return out
}

describe('measures are commutative monoids', () => {
  it('associative', () =>
    fc.assert(
      fc.property(state, state, state, (a, b, c) => {
        expect(combine(combine(a, b), c)).toEqual(combine(a, combine(b, c)))
      }),
    ))
  it('commutative', () =>
    fc.assert(
      fc.property(state, state, (a, b) => {
        expect(combine(a, b)).toEqual(combine(b, a))
      }),
    ))
  it('has an identity', () =>
    fc.assert(
      fc.property(state, (a) => {
        expect(combine(a, emptyCells(view))).toEqual(a)
        expect(combine(emptyCells(view), a)).toEqual(a)
      }),
    ))
  it('merging partial states of any split equals the state of the whole', () =>
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 40 }), fc.nat(), (events, at) => {
        const split = at % (events.length + 1)
        const fold = (es: typeof events) => es.reduce((cells, e) => combine(cells, lifted(e)), emptyCells(view))
        const whole = finalizeRow(view, { windowStart: 0, keys: [], cells: fold(events) })
        const merged = finalizeRow(view, { windowStart: 0, keys: [], cells: combine(fold(events.slice(0, split)), fold(events.slice(split))) })
        expect(merged).toEqual(whole)
        // and against a plain reduce
        expect(whole.c).toBe(events.length)
        expect(whole.si).toBe(events.reduce((a, e) => a + e.n, 0))
        expect(whole.mi).toBe(Math.min(...events.map((e) => e.n)))
        expect(whole.xf).toBe(Math.max(...events.map((e) => e.f)))
        expect(whole.af).toBe(events.reduce((a, e) => a + e.f, 0) / events.length)
      }),
    ))

  it("the speed layer's folding of events (accumulators for sketches) gives the cells of merging them one by one", () =>
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 40 }), (events) => {
        const folder = compileGroupFolder(view)
        const folded = folder.start(evaluate(events[0]!)!.cells)
        for (const e of events.slice(1)) folder.add(folded, evaluate(e)!.cells)
        expect(folder.cells(folded)).toEqual(events.reduce((cells, e) => combine(cells, lifted(e)), emptyCells(view)))
      }),
    ))

  it('evaluates into a given object exactly as into a new one, whatever that object held before', () => {
    const into = { windowStart: -1, keys: ['left over', 1, 2], cells: Array.from({ length: 40 }, () => Number.NaN) }
    fc.assert(
      fc.property(event, (e) => {
        const fresh = evaluate(e)
        const filled = evaluate(e, into)
        expect(filled).toBe(into)
        expect({ ...filled }).toEqual(fresh)
      }),
    )
  })
})
