import { definePipeline } from '@twinflow/core'
import { orders, pageViews } from './streams.ts'
import { dailyRevenueReport } from './reports.ts'
import { orderMix, shopRevenue, shopTraffic } from './views.ts'

/** The online-store example: two streams, three views, a daily report (off until a config gives it a channel). */
export const onlineStorePipeline = definePipeline({ streams: [orders, pageViews], views: [shopRevenue, orderMix, shopTraffic], reports: [dailyRevenueReport] })
