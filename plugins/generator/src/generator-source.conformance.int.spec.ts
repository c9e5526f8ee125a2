import { definePipeline, defineStream, systemClock, t } from '@twinflow/core'
import { sourceConformance } from '@twinflow/testing/conformance'
import { parseGeneratorOptions } from './generator-options.ts'
import { GeneratorSource } from './generator-source.ts'

const orders = defineStream('orders', { shop: t.string(), cents: t.int64(), paid: t.boolean(), ts: t.eventTime() })
const pipeline = definePipeline({ streams: [orders], views: [] })
const source = (options: Record<string, unknown>) =>
  new GeneratorSource('generate-orders', pipeline.stream('orders'), parseGeneratorOptions({ stream: 'orders', ...options }), systemClock)

// The generator's checkpoint is its count of events: opened again, it goes on counting.
sourceConformance('generator', {
  open: () => source({ backfillEvents: 2_500, maxEvents: 2_500, seed: 7 }),
  expected: 2_500,
  openIdle: () => source({ backfillEvents: 0, ratePerSecond: 1 }),
})
