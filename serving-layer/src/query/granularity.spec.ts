import { describe, expect, it } from 'vitest'
import { count, defineStream, defineView, t, TwinflowError } from '@twinflow/core'
import { bucketOf, checkGranularity, granularitiesOf } from './granularity.ts'

const s = defineStream('s', { k: t.string(), ts: t.eventTime() })
const view = (window: '1m' | '5m' | '15m' | '1h' | '1d') => defineView(`v${window.replace(/\W/g, '')}`, s, { groupBy: () => ({}), window, measures: () => ({ n: count() }) })

describe('granularity', () => {
  it('a view is read at its window or coarser, up to a calendar month', () => {
    expect(granularitiesOf(view('1m'))).toEqual(['1m', '5m', '15m', '1h', '1d', '1mo'])
    expect(granularitiesOf(view('15m'))).toEqual(['15m', '1h', '1d', '1mo'])
    expect(granularitiesOf(view('1d'))).toEqual(['1d', '1mo'])
  })

  it('a finer granularity is a validation error that lists the allowed ones', () => {
    expect(() => checkGranularity(view('1h'), '15m')).toThrow('granularity FIFTEEN_MINUTES is finer than the window of view "v1h" (1h); use one of HOUR, DAY, MONTH')
    expect(() => checkGranularity(view('1h'), '15m')).toThrow(TwinflowError)
  })

  it('buckets windows by fixed sizes, and by calendar months of uneven length', () => {
    const march31 = Date.UTC(2026, 2, 31, 23)
    expect(bucketOf('1d')(march31)).toBe(Date.UTC(2026, 2, 31))
    expect(bucketOf('15m')(Date.UTC(2026, 2, 31, 23, 44))).toBe(Date.UTC(2026, 2, 31, 23, 30))
    expect(bucketOf('1mo')(march31)).toBe(Date.UTC(2026, 2, 1))
    expect(bucketOf('1mo')(Date.UTC(2026, 3, 1))).toBe(Date.UTC(2026, 3, 1))
    expect(checkGranularity(view('1d'), '1mo')(Date.UTC(2028, 1, 29))).toBe(Date.UTC(2028, 1, 1))
  })
})
