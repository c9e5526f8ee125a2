import { resolve } from 'node:path'
import { consumerRuns } from '../src/consumer-runs.ts'
import { countPipeline, sketchPipeline } from '../src/sketch-views.ts'
import { cpuMicros, speedWorkerRate } from '../src/speed-worker-rate.ts'
import { ratios } from '../src/stats.ts'
import type { Scenario, ScenarioContext } from '../src/scenario.ts'

const SKETCH_MODULE = resolve(import.meta.dirname, '../src/sketch-pipeline-module.ts')
const COUNT_MODULE = resolve(import.meta.dirname, '../src/count-pipeline-module.ts')

/**
 * sketch-speed: events/s of the speed worker (as configured by default) of the `shopSketches` view
 * (count, distinct buyers, three percentiles of the amount, per shop and hour) against the same
 * worker of `shopCounts` (the same view with its count only), each a new consumer group reading the
 * same pre-filled topic from the beginning into an emptied Redis.
 */
export const sketchSpeedScenario: Scenario = {
  name: 'sketch-speed',
  async run(ctx: ScenarioContext) {
    const { events, runs } = await consumerRuns(ctx, {
      framework: (events, i) => speedWorkerRate(ctx, sketchPipeline, SKETCH_MODULE, events, `bench-sketches-${i}`),
      baseline: (events, i) => speedWorkerRate(ctx, countPipeline, COUNT_MODULE, events, `bench-counts-${i}`),
    })
    const framework = runs.framework.map((r) => r.perSecond)
    const baseline = runs.baseline.map((r) => r.perSecond)
    return {
      scenario: 'sketch-speed',
      setup: [
        `${events.toLocaleString('en')} events of 256 bytes on 4 partitions (200 shops, 1M buyers, 10,000 events per second of event time);`,
        'speed worker of shopSketches (1h by shop: count, distinct(userId) of 4096 registers, quantiles(amountCents, [0.5, 0.95, 0.99]) at 1 %) vs the same view with count() only.',
      ],
      checks: [
        {
          name: 'events/s, sketches ÷ count only',
          samples: ratios(framework, baseline),
          unit: '×',
          target: { op: '>=', value: 0.5 },
          figures: { unit: 'events/s', framework, baseline },
        },
        {
          name: 'node CPU per event: sketches, count only',
          samples: runs.framework.map(cpuMicros),
          unit: 'µs',
          target: null,
          figures: { unit: 'µs', framework: runs.framework.map(cpuMicros), baseline: runs.baseline.map(cpuMicros) },
        },
        {
          name: 'Redis time in the apply script per event: sketches, count only',
          samples: runs.framework.map((r) => r.redisMicrosPerEvent),
          unit: 'µs',
          target: null,
          figures: { unit: 'µs', framework: runs.framework.map((r) => r.redisMicrosPerEvent), baseline: runs.baseline.map((r) => r.redisMicrosPerEvent) },
        },
      ],
    }
  },
}
