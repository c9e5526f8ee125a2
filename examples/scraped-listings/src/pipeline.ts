import { definePipeline } from '@twinflow/core'
import { listings } from './streams.ts'
import { berlinHours, categoryPrices } from './views.ts'

/** The scraped-listings example: one stream of scraped listings with gaps and a personal field, two views. */
export const scrapedListingsPipeline = definePipeline({ streams: [listings], views: [categoryPrices, berlinHours] })
