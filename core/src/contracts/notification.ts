import type { Scalar } from '../schema/value-kind.ts'
import type { FencedBatch } from './realtime-store.ts'

/** What a notification carries: view changes (the speed layer's), an alert event, or a report. */
export const NOTIFICATION_KINDS = ['view-changes', 'alert', 'report'] as const
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number]

interface NotificationBase {
  /**
   * The idempotency key: every delivery of the same notification (a retry, a redelivery after a
   * crash or a restart) has the same id, and no other notification has it. A receiver that must
   * see each notification once drops the ids it has seen.
   */
  id: string
  /** When Twinflow made the notification (epoch ms); the same on every delivery of it. */
  createdAt: number
}

/**
 * The changes one log batch made to the realtime windows: the deltas (cell states: merge them with
 * the view's monoids) of the batch's events, per view, window and group. Its id is its log range
 * (`view-changes/<topic>/<partition>/<first>-<last>`): a range redelivered with the same boundaries
 * has the same id; with other boundaries (a rebalance) it is another notification, whose offsets
 * overlap one delivered before: a receiver that needs exactly-once keeps the last offset it applied
 * per (topic, partition) and drops batches at or below it (see `examples/ndjson-sink`).
 */
export interface ViewChangesNotification extends NotificationBase {
  kind: 'view-changes'
  batch: FencedBatch
}

/** A state change of an alert rule for one group (or the view's total). */
export interface AlertEvent {
  /** The rule's name (`defineAlert`). */
  rule: string
  view: string
  measure: string
  /** `firing`: the condition has held for the rule's `for`; `resolved`: it no longer holds. */
  state: 'firing' | 'resolved'
  /** The group's keys, by name; `{}` for a rule over the view's total. */
  group: Record<string, Scalar>
  /** What the condition compared with the threshold: the measure, its change (a ratio) or its z-score; null when the range had no value. */
  value: number | null
  threshold: number
  /** The condition in words, e.g. `revenueCents over the last 1h below 10000`. */
  condition: string
  /** The windows evaluated: from <= windowStart < to. */
  range: { from: number; to: number }
  /** When the condition began to hold (epoch ms). */
  activeSince: number
  /** When the alert fired. */
  firedAt: number
  /** When it resolved; null while it fires. */
  resolvedAt: number | null
  /** When the evaluation that made this notification ran. */
  evaluatedAt: number
  /** 1 for a firing's first notification, 2, 3... for its re-notifications; its resolve has the next number. */
  sequence: number
}

export interface AlertNotification extends NotificationBase {
  kind: 'alert'
  alert: AlertEvent
}

/** A table of a report: named columns, rows of values (null: no value). */
export interface ReportTable {
  columns: string[]
  rows: (Scalar | null)[][]
}

/** An image of a report, shown inline where its HTML says `cid:<contentId>`. */
export interface ReportAttachment {
  contentId: string
  filename: string
  contentType: 'image/png'
  content: Uint8Array
}

export interface Report {
  /** The report's name (its declaration). */
  name: string
  title: string
  /** The report as an HTML document; it shows each attachment as `<img src="cid:<contentId>">`. */
  html: string
  /** The same report as plain text. */
  text: string
  table: ReportTable
  attachments: ReportAttachment[]
  /** The views the report reads (the first names the stream its dead letters are filed under). */
  views: string[]
  /** The period the report covers: from <= windowStart < to. */
  period: { from: number; to: number }
}

export interface ReportNotification extends NotificationBase {
  kind: 'report'
  report: Report
}

/** What a channel (a sink) delivers. */
export type Notification = ViewChangesNotification | AlertNotification | ReportNotification
