import { alternate } from './alternate.ts'
import { producePurchases } from './produce-purchases.ts'
import type { ScenarioContext } from './scenario.ts'

/**
 * The consumer benchmarks' setup: an emptied Kafka and Redis, one topic pre-filled with purchase
 * events (200,000 quick, 1M otherwise, seed 1), then each side run alternately with one warm-up
 * round (see alternate), each side reading the whole topic with a consumer group of its own.
 */
export async function consumerRuns<K extends string, T>(
  ctx: ScenarioContext,
  sides: Record<K, (events: number, i: number) => Promise<T>>,
): Promise<{ events: number; runs: Record<K, T[]> }> {
  const events = ctx.quick ? 200_000 : 1_000_000
  await ctx.services.reset()
  await producePurchases(ctx.services.kafka, events, { seed: 1 })
  const bound = Object.fromEntries(Object.entries<(events: number, i: number) => Promise<T>>(sides).map(([name, run]) => [name, (i: number) => run(events, i)])) as Record<
    K,
    (i: number) => Promise<T>
  >
  return { events, runs: await alternate(ctx.repeats, bound, { log: ctx.log, warmUps: 1 }) }
}
