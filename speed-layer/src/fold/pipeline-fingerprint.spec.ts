import { avg, count, definePipeline, defineView, max, min, sum } from '@twinflow/core'
import { onlineStorePipeline, orders } from '@twinflow/example-online-store'
import { describe, expect, it } from 'vitest'
import { fingerprintDifferences, pipelineFingerprint } from './pipeline-fingerprint.ts'

describe('pipelineFingerprint', () => {
  it('is equal for the same declarations, and names what differs', () => {
    // The example's shopRevenue declared again: other objects (and functions), the same declaration.
    const redeclared = defineView('shopRevenue', orders, {
      where: (o) => o.status.eq('paid'),
      groupBy: (o) => ({ shop: o.shopId }),
      window: '1h',
      measures: (o) => ({
        orders: count(),
        revenueCents: sum(o.amountCents),
        biggestOrderCents: max(o.amountCents),
        smallestOrderCents: min(o.amountCents),
        avgOrderCents: avg(o.amountCents),
      }),
    })
    const same = definePipeline({ streams: onlineStorePipeline.streams, views: onlineStorePipeline.views.map((v) => (v.name === 'shopRevenue' ? redeclared : v)) })
    expect(same.view('shopRevenue')).not.toBe(onlineStorePipeline.view('shopRevenue'))
    expect(fingerprintDifferences(pipelineFingerprint(onlineStorePipeline), pipelineFingerprint(same))).toEqual([])
    const changed = defineView('shopRevenue', orders, { groupBy: (o) => ({ shop: o.shopId }), window: '1h', measures: (o) => ({ orders: count(), revenueCents: sum(o.items) }) })
    const other = definePipeline({ streams: [orders], views: [changed, defineView('extra', orders, { groupBy: () => ({}), window: '1d', measures: () => ({ n: count() }) })] })
    expect(fingerprintDifferences(pipelineFingerprint(onlineStorePipeline), pipelineFingerprint(other))).toEqual([
      'stream "pageViews" is not in the module',
      'view "shopRevenue" is declared differently',
      'view "orderMix" is not in the module',
      'view "shopTraffic" is not in the module',
      'view "extra" is only in the module',
    ])
    expect(pipelineFingerprint(definePipeline({ streams: [orders], views: [redeclared] })).views.shopRevenue).toBe(pipelineFingerprint(onlineStorePipeline).views.shopRevenue)
  })
})
