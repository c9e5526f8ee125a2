import type { AlertNotification, FencedBatch, Notification, ReportNotification, ViewChangesNotification } from '@twinflow/core'

const T = Date.UTC(2026, 10, 23, 12)

/** A batch of view changes of `shop` (keys with non-ASCII text, negative cells). */
export function sampleBatch(partition: number, firstOffset: number, lastOffset: number, shop: string, cents: number): FencedBatch {
  return {
    topic: 'twinflow.orders',
    partition,
    firstOffset,
    lastOffset,
    deltas: [
      { view: 'revenue', windowStart: T, keys: [shop], cells: [1, cents] },
      { view: 'revenue', windowStart: T + 3_600_000, keys: [`${shop}-ünï ✓`], cells: [2, -cents] },
    ],
    newestEventTime: { revenue: T + 3_900_000 },
  }
}

export function sampleViewChanges(partition: number, firstOffset: number, lastOffset: number, shop: string, cents: number): ViewChangesNotification {
  const batch = sampleBatch(partition, firstOffset, lastOffset, shop, cents)
  return { kind: 'view-changes', id: `view-changes/${batch.topic}/${partition}/${firstOffset}-${lastOffset}`, createdAt: T + 4_000_000 + firstOffset, batch }
}

export function sampleAlert(id: string, state: 'firing' | 'resolved', shop: string): AlertNotification {
  return {
    kind: 'alert',
    id,
    createdAt: T + 5_000_000,
    alert: {
      rule: 'revenueDrop',
      view: 'revenue',
      measure: 'cents',
      state,
      group: { shop, région: 'Île-de-France ✓' },
      value: state === 'firing' ? 12.5 : 250,
      threshold: 100,
      condition: 'cents over the last 1h below 100',
      range: { from: T, to: T + 3_600_000 },
      activeSince: T + 600_000,
      firedAt: T + 900_000,
      resolvedAt: state === 'resolved' ? T + 3_000_000 : null,
      evaluatedAt: T + 3_000_000,
      sequence: state === 'firing' ? 1 : 2,
    },
  }
}

/** The bytes of a 1×1 PNG, and a second, different image. */
const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'))

export function sampleReport(id: string): ReportNotification {
  const other = Uint8Array.from([...PNG.slice(0, 8), 0, 255, 1, 254, 0x0a, 0x0d])
  return {
    kind: 'report',
    id,
    createdAt: T + 6_000_000,
    report: {
      name: 'dailyRevenue',
      title: 'Revenue on 23 Nov 2026 — “every shop”',
      html: '<html><body><h1>Revenue</h1><table><tr><td>north</td><td>1 200</td></tr></table><img src="cid:chart-1"><img src="cid:chart-2"></body></html>',
      text: 'Revenue\nnorth\t1 200\nsüd\t300\n',
      table: {
        columns: ['shop', 'orders', 'revenueCents', 'open'],
        rows: [
          ['north', 12, 1200, true],
          ['süd', 3, 300, false],
          ['none', 0, null, false],
        ],
      },
      attachments: [
        { contentId: 'chart-1', filename: 'revenue.png', contentType: 'image/png', content: PNG },
        { contentId: 'chart-2', filename: 'orders.png', contentType: 'image/png', content: other },
      ],
      views: ['revenue'],
      period: { from: T - 86_400_000, to: T },
    },
  }
}

/** Notifications of every kind, several of each, in the order the suite delivers them. */
export function sampleNotifications(): Notification[] {
  return [
    sampleViewChanges(0, 0, 9, 'a', 100),
    sampleAlert('alert-1', 'firing', 'north'),
    sampleReport('report-1'),
    sampleViewChanges(1, 0, 3, 'b', 7),
    sampleAlert('alert-2', 'resolved', 'north'),
    sampleViewChanges(0, 10, 10, 'c', 1),
  ]
}
