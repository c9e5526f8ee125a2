import type { Pipeline } from '@twinflow/core'
import { SPEED_TOKENS } from '@twinflow/speed-layer'
import { createTwinflow } from 'twinflow'
import { measureRate, type Rate } from './measure-rate.ts'
import { redisScriptMicros } from './redis-script-micros.ts'
import type { ScenarioContext } from './scenario.ts'

/**
 * The events/s of a Twinflow speed worker (as configured by default: fold threads import the
 * pipeline from `module`, which must export `pipeline`) reading the pre-filled purchases topic from
 * the beginning as the new consumer group `groupId`, into an emptied Redis.
 */
export async function speedWorkerRate(ctx: ScenarioContext, pipeline: Pipeline, module: string, events: number, groupId: string): Promise<SpeedRate> {
  await ctx.services.redis.flushall()
  await ctx.services.redis.config('RESETSTAT')
  const twinflow = createTwinflow({ pipeline, config: ctx.services.config({ pipeline: module, speed: { groupId, cutoffRefreshMs: 60_000 } }) })
  await twinflow.start(['speed'])
  try {
    const worker = twinflow.get(SPEED_TOKENS.Worker)
    const rate = await measureRate(() => worker.stats().records, events, {
      timeoutMs: 300_000,
      failed: () => (worker.health().state === 'failed' ? worker.health().lastError : null),
    })
    return { ...rate, redisMicrosPerEvent: (await redisScriptMicros(ctx.services.redis)) / events }
  } finally {
    await twinflow.stop()
  }
}

export interface SpeedRate extends Rate {
  /** Time Redis spent in Twinflow's scripts per event (every event of the topic, not only those measured), in µs. */
  redisMicrosPerEvent: number
}

/** CPU time of the process per event, in µs. */
export const cpuMicros = (r: Rate) => (r.cpuPercent * 10 * r.ms) / r.items
