import type { RandomEvent, ViewSpecCase } from './random-view-ast.ts'
import { WINDOW_MS } from './random-view-arbitraries.ts'
import { bool, num, numNullable, str, type Row } from './reference-interpreter.ts'
import { referenceBucket, referenceBuckets, referenceInSample, referenceRegister, referenceRegisters } from './reference-sketches.ts'

/** -0 and 0 are one value of a min/max (which one wins depends on order, in every engine). */
export const zero = (x: number) => (Object.is(x, -0) ? 0 : x)

/**
 * The view's partial rows as a plain reduce over the validated events with time < cutoff: group
 * id (JSON of window start and keys) → cell states, in the layout Twinflow documents (a measure
 * over a nullable argument keeps its value and how many values it has seen).
 */
export function referenceReduce(spec: ViewSpecCase, events: readonly RandomEvent[], cutoff: number): Map<string, (number | number[])[]> {
  const w = WINDOW_MS[spec.window]!
  const groups = new Map<string, Row[]>()
  for (const e of events) {
    if (e.ts >= cutoff) continue
    const row: Row = { ...e }
    for (const d of spec.derived) row[d.name] = 'num' in d ? num(d.num, row) : 'str' in d ? str(d.str, row) : bool(d.bool, row)
    if (spec.where && bool(spec.where, row) !== true) continue
    if (spec.sample) {
      const by = spec.sample.by
      const v = 'num' in by ? num(by.num, row) : 'str' in by ? str(by.str, row) : bool(by.bool, row)
      if (v === null || !referenceInSample(typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'number' ? v.toFixed(0) : v, spec.sample.rate)) continue
    }
    const window = Math.floor(e.ts / w) * w
    const keys = spec.keys.map((k) => (k.t === 'str' ? str(k.s, row) : k.t === 'bool' ? bool(k.b, row) : k.t === 'int' ? num(k.n, row) : e.ts))
    const id = JSON.stringify([window, ...keys])
    groups.set(id, [...(groups.get(id) ?? []), row])
  }
  const out = new Map<string, (number | number[])[]>()
  for (const [id, rows] of groups) {
    const cells: (number | number[])[] = []
    for (const m of spec.measures) {
      if (m.kind === 'count') {
        cells.push(rows.length)
        continue
      }
      if (m.kind === 'countOf') {
        cells.push(rows.filter((r) => ('num' in m.x ? num(m.x.num, r) : str(m.x.str, r)) !== null).length)
        continue
      }
      if (m.kind === 'distinct') {
        const x = m.x
        const values = rows.map((r) => ('num' in x ? num(x.num, r) : 'str' in x ? str(x.str, r) : bool(x.bool, r)))
        // The text hashed: a string itself, an integer's decimal digits, a boolean's 1 or 0.
        const texts = values.filter((v) => v !== null).map((v) => (typeof v === 'boolean' ? (v ? '1' : '0') : typeof v === 'number' ? v.toFixed(0) : v))
        cells.push(referenceRegisters(texts.map((t) => referenceRegister(t, m.precision))))
        continue
      }
      if (m.kind === 'quantiles') {
        let bits = 1
        while (bits < 12 && 2 ** -bits / (2 + 2 ** -bits) > m.relativeError) bits++
        const values = rows.map((r) => num(m.arg, r)).filter((v): v is number => v !== null)
        cells.push(referenceBuckets(values.map((v) => referenceBucket(v, bits))))
        continue
      }
      const values = rows.map((r) => num(m.arg, r)).filter((v): v is number => v !== null)
      const nullable = numNullable(m.arg)
      const total = values.reduce((a, b) => a + b, 0)
      if (m.kind === 'sum') cells.push(total)
      else if (m.kind === 'min') cells.push(values.reduce((a, b) => (b < a ? b : a), Infinity))
      else if (m.kind === 'max') cells.push(values.reduce((a, b) => (b > a ? b : a), -Infinity))
      else cells.push(total)
      if (nullable || m.kind === 'avg') cells.push(values.length)
    }
    out.set(
      id,
      cells.map((c) => (typeof c === 'number' ? zero(c) : c)),
    )
  }
  return out
}
