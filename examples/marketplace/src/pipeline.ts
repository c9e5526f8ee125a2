import { definePipeline } from '@twinflow/core'
import { marketEvents } from './streams.ts'
import { productSales, shopActivity, systemMix } from './views.ts'

/** The marketplace example: one stream fed by three systems (MySQL, CSV exports, a webhook), three views. */
export const marketplacePipeline = definePipeline({ streams: [marketEvents], views: [productSales, shopActivity, systemMix] })
