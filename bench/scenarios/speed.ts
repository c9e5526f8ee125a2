import { consumerRuns } from '../src/consumer-runs.ts'
import { PIPELINE_MODULE } from '../src/bench-services.ts'
import { purchases, purchasesPipeline } from '../src/purchases.ts'
import { ratios } from '../src/stats.ts'
import type { Scenario, ScenarioContext } from '../src/scenario.ts'
import { measureRate, type Rate } from '../src/measure-rate.ts'
import { cpuMicros, speedWorkerRate } from '../src/speed-worker-rate.ts'

/**
 * speed: events/s through the whole speed layer (kafkajs eachBatch → decode and validate → both
 * views → one fenced Redis apply per batch → progress → commit), against a kafkajs consumer with an
 * empty eachBatch handler on the same topic, same consumer settings. Each run is a new consumer
 * group reading the same pre-filled topic from the beginning; the rate is taken between the
 * first and the last record handled (group joins are not counted).
 */
export const speedScenario: Scenario = {
  name: 'speed',
  async run(ctx: ScenarioContext) {
    const { events, runs } = await consumerRuns(ctx, {
      framework: (events, i) => speedWorkerRate(ctx, purchasesPipeline, PIPELINE_MODULE, events, `bench-speed-${i}`),
      baseline: (events, i) => baselineRun(ctx, events, `bench-empty-${i}`, () => {}),
      // Reference: what any consumer of JSON events pays at least (kafkajs plus JSON.parse).
      parseOnly: (events, i) => baselineRun(ctx, events, `bench-parse-${i}`, (value) => JSON.parse(value.toString('utf8'))),
    })
    const framework = runs.framework.map((r) => r.perSecond)
    const baseline = runs.baseline.map((r) => r.perSecond)
    const parseOnly = runs.parseOnly.map((r) => r.perSecond)
    return {
      scenario: 'speed',
      setup: [
        `${events.toLocaleString('en')} events of 256 bytes on 4 partitions, 2 views (1m by shop: 200 shops; 1h by country × device);`,
        'Twinflow speed worker vs kafkajs eachBatch with an empty handler, same consumer settings.',
      ],
      checks: [
        { name: 'events/s ÷ empty handler', samples: ratios(framework, baseline), unit: '×', target: { op: '>=', value: 0.6 }, figures: { unit: 'events/s', framework, baseline } },
        {
          name: 'reference: JSON.parse-only handler ÷ empty handler',
          samples: ratios(parseOnly, baseline),
          unit: '×',
          target: null,
          figures: { unit: 'events/s', framework: parseOnly, baseline },
        },
        {
          name: 'node CPU per event: framework, empty handler',
          samples: runs.framework.map((r) => cpuMicros(r)),
          unit: 'µs',
          target: null,
          figures: { unit: 'µs', framework: runs.framework.map(cpuMicros), baseline: runs.baseline.map(cpuMicros) },
        },
      ],
    }
  },
}

async function baselineRun(ctx: ScenarioContext, events: number, groupId: string, handle: (value: Buffer) => void): Promise<Rate> {
  const consumer = ctx.services.kafka.consumer({ groupId, sessionTimeout: 10_000, heartbeatInterval: 1000, maxWaitTimeInMs: 500, maxBytesPerPartition: 1_048_576 })
  let handled = 0
  await consumer.connect()
  try {
    await consumer.subscribe({ topic: purchases.topic, fromBeginning: true })
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) if (message.value) handle(message.value)
        handled += batch.messages.length
      },
    })
    return await measureRate(() => handled, events, { timeoutMs: 300_000 })
  } finally {
    await consumer.disconnect()
  }
}
