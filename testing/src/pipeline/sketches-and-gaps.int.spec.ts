import { count, defineStream, definePipeline, defineView, distinct, ifElse, quantiles, sum, t } from '@twinflow/core'
import { afterEach, describe, expect, it } from 'vitest'
import { createTestPipeline } from './create-test-pipeline.ts'
import type { TestPipeline } from './test-pipeline.ts'
import { referenceInSample } from '../conformance/reference-sketches.ts'

// Prepare and analyse through all three layers: events with gaps, functions, distinct() and
// quantiles() merged across the cutoff and into coarser buckets, nullable keys and measures.
const visits = defineStream('visits', {
  page: t.string(),
  user: t.string(),
  country: t.string().optional(),
  latencyMs: t.float64().optional().onInvalid('null'),
  bytes: t.int64().default(0),
  ts: t.eventTime(),
})
const pages = defineView('pages', visits, {
  derive: (v) => ({ section: v.page.lower().trim().substring(0, 4) }),
  groupBy: (v) => ({ section: v.section, country: v.country }),
  window: '1h',
  measures: (v) => ({
    views: count(),
    visitors: distinct(v.user),
    latency: quantiles(v.latencyMs, [0.5, 0.95]),
    slow: count(ifElse(v.latencyMs.gt(100), v.latencyMs, null)),
    bytes: sum(v.bytes),
  }),
})
/** Half of the users, each with every visit. */
const sampledVisits = defineView('sampledVisits', visits, {
  groupBy: () => ({}),
  window: '1h',
  measures: (v) => ({ views: count(), visitors: distinct(v.user) }),
  sample: { rate: 0.5, by: (v) => v.user },
})
const pipeline = definePipeline({ streams: [visits], views: [pages, sampledVisits] })
const at = (hour: number, minute: number) => Date.UTC(2026, 10, 23, hour, minute)

describe('prepared and analysed by one declaration, through batch, speed and serving', () => {
  let tf: TestPipeline | undefined
  afterEach(async () => {
    await tf?.stop()
    tf = undefined
  })

  it('merges distinct counts and quantiles across the cutoff and into days, with null groups and null measures', async () => {
    tf = await createTestPipeline({ pipeline, now: '2026-11-23T12:30:00Z' })
    const early = Array.from({ length: 40 }, (_, i) => ({ page: ' /Home ', user: `u${i % 25}`, country: 'DE', latencyMs: 10 + i, ts: at(9, i) }))
    await tf.send('visits', [...early, { page: '/SHOP', user: 'u1', latencyMs: 'n/a', ts: at(10, 50) }])
    await tf.runBatch()
    // The batch has 9:00 (the newest event, 10:50, sets the cutoff at 10:00); then 20 more visits
    // of home in the speed layer, of 10 users seen before and 10 new ones.
    const late = Array.from({ length: 20 }, (_, i) => ({ page: '/home', user: `u${15 + i}`, country: 'DE', latencyMs: 200 + i, bytes: 5, ts: at(12, i) }))
    await tf.send('visits', late)
    const query = `{ pages(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z", granularity: DAY, orderBy: [{ field: VIEWS, direction: DESC }]) {
      cutoff rows { section country views visitors latency { p50 p95 } slow bytes } } }`
    const { pages: day } = await tf.query(query)
    expect(day.cutoff).toBe('2026-11-23T10:00:00.000Z')
    const latencies = [...early.map((e) => e.latencyMs), ...late.map((e) => e.latencyMs)].sort((a, b) => a - b)
    const exact = (q: number) => latencies[Math.floor(q * (latencies.length - 1))]!
    const [home, shop] = day.rows
    // 35 distinct users (u0..u34) from both layers: a small set, estimated exactly.
    expect(home).toMatchObject({ section: '/hom', country: 'DE', views: 60, visitors: 35, slow: 20, bytes: 100 })
    expect(Math.abs(home.latency.p50 - exact(0.5)) / exact(0.5)).toBeLessThanOrEqual(0.01)
    expect(Math.abs(home.latency.p95 - exact(0.95)) / exact(0.95)).toBeLessThanOrEqual(0.01)
    // No country, a latency that was junk: a null key and null quantiles.
    expect(shop).toEqual({ section: '/sho', country: null, views: 1, visitors: 1, latency: { p50: null, p95: null }, slow: 0, bytes: 0 })
    const { pagesTop } = await tf.query('{ pagesTop(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z", by: VIEWS, limit: 1) { rows { section visitors } } }')
    expect(pagesTop.rows).toEqual([{ section: '/hom', visitors: 35 }])
    // A sketch orders and ranks nothing (its estimate has no SQL of the same double): a GraphQL error.
    await expect(tf.query(query.replace('VIEWS', 'VISITORS'))).rejects.toThrow('Value "VISITORS" does not exist in "PagesField" enum')
    await expect(tf.query('{ pagesTop(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z", by: VISITORS, limit: 1) { rows { section } } }')).rejects.toThrow(
      'Value "VISITORS" does not exist in "PagesMeasure" enum',
    )

    // The sample: the same users in both layers, and the answer says it is a sample.
    const inSample = [...early, ...late, { user: 'u1' }].filter((v) => referenceInSample(v.user, 0.5))
    const { sampledVisits: sampled } = await tf.query(
      '{ sampledVisits(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z", granularity: DAY) { sampleRate rows { views viewsEstimate visitors } } }',
    )
    expect(inSample.length).toBeGreaterThan(10)
    expect(inSample.length).toBeLessThan(51)
    expect(sampled).toEqual({ sampleRate: 0.5, rows: [{ views: inSample.length, viewsEstimate: inSample.length / 0.5, visitors: new Set(inSample.map((v) => v.user)).size }] })
    const { pages: all } = await tf.query('{ pages(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z") { sampleRate } }')
    expect(all.sampleRate).toBe(1)
  })
})
