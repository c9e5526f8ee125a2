import { definePipeline } from '@twinflow/core'
import { orders, pageViews } from './streams.ts'
import { dailyRevenueReport } from './reports.ts'
import { orderMix, shopRevenue, shopTraffic } from './views.ts'
import { orderSurge, revenueDrop } from './alerts.ts'

/** The online-store example: two streams, three views, two alert rules and a daily report (off unless a config turns them on). */
export const onlineStorePipeline = definePipeline({
  streams: [orders, pageViews],
  views: [shopRevenue, orderMix, shopTraffic],
  alerts: [revenueDrop, orderSurge],
  reports: [dailyRevenueReport],
})
