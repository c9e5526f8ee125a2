import { avg, compileViewEvaluator, count, definePipeline, defineStream, defineView, max, sum, t, type PartialRow } from '@twinflow/core'
import type { ViewSnapshot } from './view-snapshot.ts'

/** A small view for the query tests: sales per shop and channel, hourly. */
export const sales = defineStream('sales', { shop: t.string(), web: t.boolean(), cents: t.int64(), ts: t.eventTime() })
export const salesView = defineView('sales', sales, {
  groupBy: (s) => ({ shop: s.shop, web: s.web }),
  window: '1h',
  measures: (s) => ({ n: count(), cents: sum(s.cents), biggest: max(s.cents), avgCents: avg(s.cents) }),
})
export const salesPipeline = definePipeline({ streams: [sales], views: [salesView] })

export type Sale = { shop: string; web: boolean; cents: number; ts: number }

/** The partial rows of events, one per event, as the speed layer's evaluator makes them. */
export function snapshotOf(events: readonly Sale[], from: number, to: number): ViewSnapshot {
  const evaluate = compileViewEvaluator(salesView)
  const rows: PartialRow[] = events.map((e) => evaluate(e)!).filter((r) => r.windowStart >= from && r.windowStart < to)
  return { view: 'sales', from, to, publication: null, merged: null, rows }
}
