import type { Redis } from 'ioredis'

/**
 * Time Redis spent running scripts (EVAL and EVALSHA) since its statistics were last reset
 * (`CONFIG RESETSTAT`), in µs, from `INFO commandstats`.
 */
export async function redisScriptMicros(redis: Redis): Promise<number> {
  const info = await redis.info('commandstats')
  let usec = 0
  for (const match of info.matchAll(/^cmdstat_(?:eval|evalsha):.*?usec=(\d+)/gm)) usec += Number(match[1])
  return usec
}
