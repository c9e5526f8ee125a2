import { compileDecoder, compileViewEvaluator, createJsonLogger, type FencedBatch } from '@twinflow/core'
import { parseRedisRealtimeStoreOptions, RedisKeys, RedisRealtimeStore } from '@twinflow/plugin-redis'
import { BatchAggregate } from '@twinflow/speed-layer'
import type { Redis } from 'ioredis'
import { alternate } from '../src/alternate.ts'
import { PARTITIONS } from '../src/bench-services.ts'
import { inLanes, timed } from '../src/in-lanes.ts'
import { logBatches } from '../src/log-batches.ts'
import { generatePurchases, purchaseMessages } from '../src/generate-purchases.ts'
import { purchases, purchasesPipeline } from '../src/purchases.ts'
import { ratios } from '../src/stats.ts'
import type { Scenario, ScenarioContext } from '../src/scenario.ts'

const BATCH = 5000

/**
 * fencing: the Redis store's fenced apply (one Lua call per bucket hash: per-group offset fences,
 * window index, newest event time, TTL) against plain pipelined HINCRBY of the same deltas into
 * the same keys and fields, one pipeline per batch. The batches are pre-aggregated once, as the
 * speed layer makes them (4 partitions, 5000 events per batch, 5000 shops); the four partitions are applied
 * concurrently, each in order, as the speed layer's consumer does. Both sides must leave the same
 * cell values in Redis (checked on the first repetition).
 */
export const fencingScenario: Scenario = {
  name: 'fencing',
  async run(ctx: ScenarioContext) {
    const events = ctx.quick ? 200_000 : 1_000_000
    await ctx.services.reset()
    const batches = preAggregate(events)
    const deltas = batches.flat().reduce((n, b) => n + b.deltas.length, 0)
    const cells: Record<string, Map<string, string>> = {}
    const runs = await alternate(
      ctx.repeats,
      {
        framework: async (i) => {
          await ctx.services.redis.flushall()
          const store = new RedisRealtimeStore(parseRedisRealtimeStoreOptions({ url: ctx.services.redisContainer.getUrl() }), createJsonLogger({ level: 'error' }))
          await store.start(purchasesPipeline)
          try {
            const ms = await timed(() => inLanes(batches, (b) => store.apply(b).then(() => {})))
            if (i === 0) cells.framework = await cellValues(ctx.services.redis)
            return ms
          } finally {
            await store.stop()
          }
        },
        baseline: async (i) => {
          await ctx.services.redis.flushall()
          const keys = new RedisKeys('tf', 16)
          const ms = await timed(() => inLanes(batches, (b) => hincrbyPipeline(ctx.services.redis, keys, b)))
          if (i === 0) cells.baseline = await cellValues(ctx.services.redis)
          return ms
        },
      },
      { log: ctx.log, warmUps: 1 },
    )
    assertSameCells(cells.framework!, cells.baseline!)
    const perSecond = (ms: number) => (deltas / ms) * 1000
    const framework = runs.framework.map(perSecond)
    const baseline = runs.baseline.map(perSecond)
    return {
      scenario: 'fencing',
      setup: [
        `${events.toLocaleString('en')} events pre-aggregated into ${batches.flat().length} batches of ${BATCH} (${deltas.toLocaleString('en')} deltas, integer cells) on ${PARTITIONS} partitions applied concurrently;`,
        'fenced Lua apply vs pipelined HINCRBY into the same fields; equal cell values checked.',
      ],
      checks: [
        {
          name: 'deltas/s ÷ pipelined HINCRBY',
          samples: ratios(framework, baseline),
          unit: '×',
          target: { op: '>=', value: 0.8 },
          figures: { unit: 'deltas/s', framework, baseline },
        },
      ],
    }
  },
}

/** The fenced batches the speed layer would apply: per partition, in offset order. */
function preAggregate(count: number): FencedBatch[][] {
  const now = Date.now()
  const lanes = logBatches(purchaseMessages(generatePurchases(count, { seed: 7, from: now - count / 10, to: now, shops: 5000 })), BATCH, now)
  const decode = compileDecoder(purchases)
  const views = purchasesPipeline.views.map((view) => ({ view, evaluate: compileViewEvaluator(view) }))
  return lanes.map((batches) =>
    batches.map((batch) => {
      const aggregate = new BatchAggregate()
      const newest: Record<string, number> = {}
      for (const record of batch.records) {
        const decoded = decode(record.value, record.timestamp)
        if (!decoded.ok) throw new Error(decoded.reason)
        for (const { view, evaluate } of views) {
          const evaluated = evaluate(decoded.event)
          if (!evaluated) continue
          aggregate.add(view, evaluated)
          newest[view.name] = Math.max(newest[view.name] ?? 0, decoded.event.ts)
        }
      }
      return { topic: batch.topic, partition: batch.partition, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset, deltas: aggregate.deltas(), newestEventTime: newest }
    }),
  )
}

/** The hand-written way: one pipeline of HINCRBY per batch, into the store's own keys and fields. */
async function hincrbyPipeline(redis: Redis, keys: RedisKeys, batch: FencedBatch): Promise<void> {
  const pipeline = redis.pipeline()
  for (const delta of batch.deltas) {
    const group = JSON.stringify(delta.keys)
    const key = keys.bucket(delta.view, delta.windowStart, keys.bucketOf(group))
    delta.cells.forEach((value, c) => pipeline.hincrby(key, `c${c}\x1f${group}`, value as number))
  }
  const results = await pipeline.exec()
  const failed = results?.find(([error]) => error)
  if (failed) throw failed[0]
}

/** Every cell field of every bucket hash (fences and indexes left out). */
async function cellValues(redis: Redis): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  for (const key of await redis.keys('tf:v:*')) {
    for (const [field, value] of Object.entries(await redis.hgetall(key))) if (field.startsWith('c')) out.set(`${key} ${field}`, value)
  }
  return out
}

function assertSameCells(framework: Map<string, string>, baseline: Map<string, string>): void {
  if (framework.size === 0) throw new Error('the fenced apply left no cells in Redis')
  const differ = [...framework].filter(([k, v]) => baseline.get(k) !== v)
  if (differ.length > 0 || framework.size !== baseline.size) {
    throw new Error(
      `the fenced apply and the HINCRBY baseline left different cells (${differ.length} differ, ${framework.size} vs ${baseline.size}): ${JSON.stringify(differ.slice(0, 3))}`,
    )
  }
}
