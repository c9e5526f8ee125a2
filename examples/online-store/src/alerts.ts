import { defineAlert } from '@twinflow/core'
import { orderMix, shopRevenue } from './views.ts'

/**
 * Paid revenue of the last hour, all shops, down by half or more against the same hour a day
 * before, for 15 minutes; told again every 4 hours while it lasts. Off unless a config turns it
 * on (`"alerts": { "rules": { "revenueDrop": { "channels": [...] } } }`).
 */
export const revenueDrop = defineAlert(shopRevenue, {
  name: 'revenueDrop',
  measure: 'revenueCents',
  range: '1h',
  per: 'total',
  change: '1d',
  below: -0.5,
  for: '15m',
  renotify: '4h',
})

/** A shop taking far more orders than usual: the last 15 minutes over 3 standard deviations above the 24 quarter-hours before. */
export const orderSurge = defineAlert(orderMix, {
  name: 'orderSurge',
  measure: 'orders',
  range: '15m',
  zScore: 24,
  above: 3,
  for: '15m',
})
