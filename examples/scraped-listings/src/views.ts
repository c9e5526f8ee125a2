import { caseWhen, count, defineView, distinct, ifElse, quantiles } from '@twinflow/core'
import { listings } from './streams.ts'

/** Per normalized category and day: listings, how many have a price, distinct sellers, price percentiles. */
export const categoryPrices = defineView('categoryPrices', listings, {
  derive: (l) => ({ normalized: l.category.trim().lower() }),
  groupBy: (l) => ({ category: l.normalized }),
  window: '1d',
  measures: (l) => ({
    listings: count(),
    priced: count(l.priceCents),
    sellers: distinct(l.sellerEmail),
    price: quantiles(l.priceCents, [0.5, 0.9]),
  }),
})

/** Per hour of the day in Berlin (where the shops are) and condition: listings, sellers, bargains (under 20.00). */
export const berlinHours = defineView('berlinHours', listings, {
  derive: (l) => {
    const condition = l.condition.trim().lower()
    return {
      hour: l.scrapedAt.hour('Europe/Berlin'),
      state: caseWhen(
        [
          [condition.eq('new'), 'new'],
          [condition.contains('used'), 'used'],
        ],
        'other',
      ),
    }
  },
  groupBy: (l) => ({ hour: l.hour, condition: l.state }),
  window: '1d',
  measures: (l) => ({ listings: count(), sellers: distinct(l.sellerEmail), bargains: count(ifElse(l.priceCents.lt(2000), l.priceCents, null)) }),
})
