import { definePipeline } from '@twinflow/core'
import { orders, pageViews } from './streams.ts'
import { orderMix, shopRevenue, shopTraffic } from './views.ts'

/** The online-store example: two streams, three views. */
export const onlineStorePipeline = definePipeline({ streams: [orders, pageViews], views: [shopRevenue, orderMix, shopTraffic] })
