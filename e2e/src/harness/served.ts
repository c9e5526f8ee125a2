import { expect } from 'vitest'
import type { Order, PageView } from '@twinflow/example-online-store'
import { eventually } from './eventually.ts'
import { DAY, queryView, truth, VIEW_WINDOW, VIEWS, type EventBook, type ViewName } from './views.ts'

export interface ServedOptions {
  /** Views to check. @default every view */
  views?: readonly ViewName[]
  /** Events that should be visible, per view (default: all). */
  keep?: (view: ViewName) => (event: Order & PageView) => boolean
  /** How long the layers may take to catch up. @default 60000 */
  timeoutMs?: number
}

/**
 * Asserts that the serving layer's answers equal the truth computed from the events in `book`,
 * for every view at its own window and per day (the coarser granularity merges batch and speed
 * rows with the measures' monoids). Polls until equal (the layers are asynchronous), then asserts,
 * so a timeout shows the real difference.
 */
export async function expectServedTruth(url: string, book: EventBook, range: { from: number; to: number }, options: ServedOptions = {}): Promise<void> {
  for (const view of options.views ?? VIEWS) {
    const keep = options.keep?.(view)
    const { ms, granularity } = VIEW_WINDOW[view]
    for (const [g, gMs] of [
      [granularity, ms],
      ['DAY', DAY],
    ] as const) {
      const expected = truth(book, view, gMs, keep)
      const answer = await eventually(
        () => queryView(url, view, range, g),
        (a) => JSON.stringify(a.rows) === JSON.stringify(expected),
        options.timeoutMs ?? 60_000,
      )
      expect(answer.rows, `${view} at ${g}`).toEqual(expected)
    }
  }
}
