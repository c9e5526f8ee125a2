import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createJsonLogger, isMasked, type LogRecord } from '@twinflow/core'
import { ClickHouseServerDriver, parseClickHouseServerDriverOptions } from '@twinflow/plugin-clickhouse'
import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { DEAD_LETTER_TOPIC, eventually, readDeadLetterTopic, REPO_ROOT, Stack } from '../src/harness/index.ts'

// Scenario: the scraped-listings example on Kafka, ClickHouse and Redis. A scraper run (sellers'
// emails and phones in it, two lines invalid) is POSTed to the `http` source of an ingest process;
// an outside producer writes three listings (one invalid) straight to the topic, unmarked. After
// the speed layer and a batch run, the raw emails and phones are searched for in the topic's
// records Twinflow wrote, every ClickHouse table, every Redis key and value, the dead-letter topic
// and every process's output: nowhere. The outside producer's records are the only ones unmarked
// (what an outside producer writes to the topic stays in the topic).
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
const EXAMPLE = join(REPO_ROOT, 'examples/scraped-listings')
const TOPIC = 'twinflow.listings'
const RUN = readFileSync(join(EXAMPLE, 'data/listings/run-1.ndjson'), 'utf8')
const OUTSIDE = readFileSync(join(EXAMPLE, 'data/listings/run-2.ndjson'), 'utf8').split('\n').slice(0, 2)
const RAW = ['@example.org', '+49 151']

describe.skipIf(env.skip)('scenario: personal fields masked on Kafka, ClickHouse and Redis', { timeout: 300_000 }, () => {
  let stack: Stack
  let config: string
  let url: string
  let ingestUrl: string

  beforeAll(async () => {
    stack = await Stack.start({ images: env.images })
    await (await stack.log()).createTopic(TOPIC, 4)
    const common = { pipeline: join(EXAMPLE, 'src/pipeline-module.ts'), pii: { secret: 'an-e2e-secret-0123456789abcdef' } }
    config = stack.writeConfig(common)
    const ingestConfig = stack.writeConfig({ ...common, sources: [{ plugin: 'http', name: 'scraper', options: { stream: 'listings' } }] })
    const [, , serve, ingest] = await Promise.all([
      stack.startRole('archiver', config, 'archiver', { logLevel: 'debug' }),
      stack.startRole('speed', config, 'speed', { logLevel: 'debug' }),
      stack.startServe(config),
      stack.startRole('ingest', ingestConfig, 'ingest', { logLevel: 'debug' }),
    ])
    url = serve.url
    const [, base] = await ingest.waitForOutput(/Operations: (http:\/\/[^/\s]+)\/healthz/, 10_000)
    ingestUrl = `${base}/ingest/listings`
  }, 240_000)

  afterAll(async () => {
    await stack?.stop()
  }, 120_000)

  it('keeps the raw emails and phones out of everything Twinflow writes, and the hashes still count sellers', async () => {
    onTestFailed(() => console.error(stack.report()))
    const response = await fetch(ingestUrl, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body: RUN })
    expect(await response.json()).toMatchObject({ accepted: 60, rejected: [{}, {}] })
    await stack.produceRaw(
      TOPIC,
      [...OUTSIDE, '{"listingId":"x","title":"no seller time","sellerEmail":"seller99@example.org"}'].map((line) => ({ value: Buffer.from(line) })),
    )

    const total = async () => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ categoryPrices(from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z", granularity: MONTH) { rows { listings } } }' }),
      })
      const body = (await res.json()) as { data?: { categoryPrices: { rows: { listings: number }[] } } }
      return (body.data?.categoryPrices.rows ?? []).reduce((sum, r) => sum + r.listings, 0)
    }
    expect(await eventually(total, (n) => n === 62, 90_000)).toBe(62)
    const { code, runs } = await stack.batchRun(config)
    expect(code, JSON.stringify(runs)).toBe(0)
    expect(await eventually(total, (n) => n === 62, 30_000)).toBe(62)

    // The topic: Twinflow's records marked and masked; the outside producer's 3 as written.
    const records = await topicRecords(stack, 63)
    const marked = records.filter((r) => isMasked(r.headers))
    expect(records.length - marked.length).toBe(3)
    const clickhouse = new ClickHouseServerDriver(parseClickHouseServerDriverOptions(stack.clickhouse.getClientOptions()), createJsonLogger({ level: 'error' }))
    await clickhouse.connect()
    const tables = await clickhouse.query<{ name: string }>('SELECT name FROM system.tables WHERE database = currentDatabase()')
    const rows = await Promise.all(tables.map((t) => clickhouse.query(`SELECT * FROM \`${t.name}\``)))
    await clickhouse.close()
    const redis = await stack.redis.exec(['redis-cli', 'EVAL', REDIS_DUMP, '0'])
    expect(redis.exitCode).toBe(0)
    const letters = await eventually(
      () => readDeadLetterTopic(stack.kafka.getBrokers(), DEAD_LETTER_TOPIC),
      (l) => l.length >= 3,
      30_000,
    )
    expect(letters.map((l) => l.stage).sort()).toEqual(['archiver', 'ingest', 'ingest'])
    const places: Record<string, string> = {
      'topic (marked)': marked.map((r) => r.value.toString('utf8')).join('\n'),
      clickhouse: JSON.stringify(rows),
      redis: redis.output,
      'dead letters': letters.map((l) => `${l.reason} ${l.payload.toString('utf8')}`).join('\n'),
      'process output': stack.processes.map((p) => p.output()).join('\n'),
    }
    expect(places.clickhouse).toMatch(/[0-9a-f]{64}/)
    expect(redis.output.length).toBeGreaterThan(100)
    for (const [place, text] of Object.entries(places)) for (const raw of RAW) expect({ place, raw, found: text.includes(raw) }).toEqual({ place, raw, found: false })
  })
})

/** Every key of the Redis database with its values, one per line (strings, hashes, sets, sorted sets, lists). */
const REDIS_DUMP = `local out = {}
for _, k in ipairs(redis.call('KEYS', '*')) do
  table.insert(out, k)
  local t = redis.call('TYPE', k).ok
  local values = {}
  if t == 'string' then values = { redis.call('GET', k) }
  elseif t == 'hash' then values = redis.call('HGETALL', k)
  elseif t == 'set' then values = redis.call('SMEMBERS', k)
  elseif t == 'zset' then values = redis.call('ZRANGE', k, 0, -1)
  elseif t == 'list' then values = redis.call('LRANGE', k, 0, -1) end
  for _, v in ipairs(values) do table.insert(out, v) end
end
return table.concat(out, '\\n')`

/** The topic's records from the start, read by a group of the test's own. */
async function topicRecords(stack: Stack, total: number): Promise<LogRecord[]> {
  const log = await stack.log()
  const records: LogRecord[] = []
  const consumer = await log.consume({
    groupId: `e2e-pii-search-${Date.now().toString(36)}`,
    topics: [TOPIC],
    resumeFrom: async (_topic, partitions) => new Map(partitions.map((p) => [p, 0])),
    eachBatch: async (batch) => void records.push(...batch.records.map((r) => ({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers }))),
  })
  await eventually(
    async () => records.length,
    (n) => n >= total,
    30_000,
    100,
  )
  await consumer.stop()
  return records
}
