import { referenceAggregate, referenceSpecs, sortRows, type Order, type PageView, type RefRow, type RefSpec } from '@twinflow/example-online-store'

export const HOUR = 3_600_000
export const DAY = 24 * HOUR
export const VIEWS = ['shopRevenue', 'orderMix', 'shopTraffic'] as const
export type ViewName = (typeof VIEWS)[number]

const QUERY: Record<ViewName, string> = {
  shopRevenue: `query($from: DateTime!, $to: DateTime!, $g: Granularity) { shopRevenue(from: $from, to: $to, granularity: $g) { cutoff version rows { windowStart shop orders revenueCents biggestOrderCents smallestOrderCents avgOrderCents } } }`,
  orderMix: `query($from: DateTime!, $to: DateTime!, $g: Granularity) { orderMix(from: $from, to: $to, granularity: $g) { cutoff version rows { windowStart shop status large orders items maxUnitPrice } } }`,
  shopTraffic: `query($from: DateTime!, $to: DateTime!, $g: Granularity) { shopTraffic(from: $from, to: $to, granularity: $g) { cutoff version rows { windowStart shop views avgDurationMs longestMs } } }`,
}

/** The window of each view, and its GraphQL granularity name. */
export const VIEW_WINDOW: Record<ViewName, { ms: number; granularity: string }> = {
  shopRevenue: { ms: HOUR, granularity: 'HOUR' },
  orderMix: { ms: 15 * 60_000, granularity: 'FIFTEEN_MINUTES' },
  shopTraffic: { ms: HOUR, granularity: 'HOUR' },
}

export interface Answer {
  cutoff: string | null
  version: number | null
  rows: RefRow[]
}

/** Asks the serving layer for a view over [from, to) at a granularity; rows sorted like the truth's. */
export async function queryView(url: string, view: ViewName, range: { from: number; to: number }, granularity: string): Promise<Answer> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query: QUERY[view], variables: { from: new Date(range.from).toISOString(), to: new Date(range.to).toISOString(), g: granularity } }),
    signal: AbortSignal.timeout(15_000),
  })
  const body = (await response.json()) as { data?: Record<string, Answer>; errors?: { message: string }[] }
  if (body.errors?.length) throw new Error(`GraphQL ${view}: ${body.errors.map((e) => e.message).join('; ')}`)
  const answer = body.data![view]!
  return { ...answer, rows: sortRows(answer.rows) }
}

/** The events produced so far, by stream: what the truth is computed from. */
export interface EventBook {
  orders: Order[]
  pageViews: PageView[]
}

export const emptyBook = (): EventBook => ({ orders: [], pageViews: [] })

/** The events a view reads. */
export function eventsOf(book: EventBook, view: ViewName): (Order & PageView)[] {
  return (view === 'shopTraffic' ? book.pageViews : book.orders) as (Order & PageView)[]
}

/**
 * The truth: the view computed by the example's plain reference reduce (no Twinflow code) over the
 * events, at a granularity; `keep` selects the events that should be visible (e.g. late events
 * below a cutoff are not, until the next batch run).
 */
export function truth(book: EventBook, view: ViewName, granularityMs: number, keep: (event: Order & PageView) => boolean = () => true): RefRow[] {
  const spec = referenceSpecs[view] as unknown as RefSpec<Order & PageView>
  return referenceAggregate(eventsOf(book, view).filter(keep), spec, granularityMs)
}

/** A query range covering whole UTC days around [from, to). */
export function dayRange(from: number, to: number): { from: number; to: number } {
  return { from: Math.floor(from / DAY) * DAY, to: Math.ceil(to / DAY) * DAY }
}
