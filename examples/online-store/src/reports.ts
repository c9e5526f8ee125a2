import { defineReport } from '@twinflow/core'
import { shopRevenue, shopTraffic } from './views.ts'

/**
 * Every day at 07:00 in Jakarta, yesterday's revenue and traffic (midnight to midnight, Jakarta
 * time): the top shops, and revenue per hour of the top five. It names no channel, so it is off
 * until a config sends it somewhere: `"reports": { "channels": { "daily-revenue": ["team-mail"] } }`
 * with a sink named `team-mail` (see the README, "Scheduled reports").
 */
export const dailyRevenueReport = defineReport({
  name: 'daily-revenue',
  title: 'Online store: revenue yesterday',
  cron: '0 7 * * *',
  timeZone: 'Asia/Jakarta',
  range: 'yesterday',
  views: [
    { view: shopRevenue, kind: 'top', by: 'revenueCents', limit: 10, measures: ['orders', 'revenueCents', 'avgOrderCents'], title: 'Top 10 shops by revenue' },
    { view: shopRevenue, kind: 'chart', measure: 'revenueCents', splitBy: ['shop'], top: 5, title: 'Revenue per hour, top 5 shops' },
    { view: shopTraffic, kind: 'top', by: 'views', limit: 10, measures: ['views', 'avgDurationMs'], title: 'Top 10 shops by storefront views' },
  ],
})
