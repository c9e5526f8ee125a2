import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { createClient, type ClickHouseClient } from '@clickhouse/client'
import { Redis } from 'ioredis'
import { Kafka, logLevel } from 'kafkajs'
import { e2eEnvironment } from '@twinflow/e2e/environment'
import {
  ClickHouseContainer,
  KafkaContainer,
  RedisContainer,
  type StartedClickHouseContainer,
  type StartedKafkaContainer,
  type StartedRedisContainer,
} from '@twinflow/e2e/containers'
import { parseConfig, type TwinflowConfig, type TwinflowConfigInput } from 'twinflow'
import { purchases } from './purchases.ts'

export const PIPELINE_MODULE = resolve(import.meta.dirname, 'purchases-pipeline-module.ts')
export const PARTITIONS = 4

/**
 * The real services of the benchmark, in containers built from the e2e suite's images (Kafka,
 * Redis, ClickHouse), started once for the whole run; plus plain clients of each (what the
 * baselines use) and the Twinflow configs that point at them.
 */
export class BenchServices {
  readonly #dir = mkdtempSync(join(tmpdir(), 'twinflow-bench-'))
  readonly kafka: Kafka
  readonly redis: Redis
  readonly clickhouse: ClickHouseClient
  #configs = 0

  private constructor(
    readonly kafkaContainer: StartedKafkaContainer,
    readonly redisContainer: StartedRedisContainer,
    readonly clickhouseContainer: StartedClickHouseContainer,
    /** The images the services run, for the record. */
    readonly images: string[],
  ) {
    this.kafka = new Kafka({ ...kafkaContainer.getClientOptions(), clientId: 'bench', logLevel: logLevel.ERROR })
    this.redis = new Redis(redisContainer.getUrl())
    // Ten minutes per statement, not the client's 30 s: filling 10M rows takes 16 s on a quiet machine, and more on a busy one.
    this.clickhouse = createClient({
      ...clickhouseContainer.getClientOptions(),
      request_timeout: 600_000,
      // As the Twinflow driver: progress headers keep a long statement's connection alive.
      clickhouse_settings: { send_progress_in_http_headers: 1, http_headers_progress_interval_ms: '20000' },
    })
  }

  static async start(): Promise<BenchServices> {
    const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
    if (env.skip) throw new Error('the benchmark needs Docker and the e2e images (TWINFLOW_E2E=skip is not honoured here)')
    const { images } = env
    const started = await Promise.allSettled([
      new KafkaContainer(images.TWINFLOW_KAFKA_IMAGE).start(),
      new RedisContainer(images.TWINFLOW_REDIS_IMAGE).start(),
      new ClickHouseContainer(images.TWINFLOW_CLICKHOUSE_IMAGE).start(),
    ])
    const failed = started.find((s) => s.status === 'rejected')
    if (failed) {
      await Promise.allSettled(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : null)))
      throw (failed as PromiseRejectedResult).reason
    }
    const [k, r, c] = started.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [StartedKafkaContainer, StartedRedisContainer, StartedClickHouseContainer]
    return new BenchServices(k, r, c, [images.TWINFLOW_KAFKA_IMAGE, images.TWINFLOW_REDIS_IMAGE, images.TWINFLOW_CLICKHOUSE_IMAGE])
  }

  /** A Twinflow config for these services (the benchmark's pipeline), with the scenario's changes. */
  config(overrides: Partial<TwinflowConfigInput> = {}): TwinflowConfig {
    const kafka = { ...this.kafkaContainer.getClientOptions(), sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000, maxWaitTimeMs: 500 }
    return parseConfig({
      pipeline: PIPELINE_MODULE,
      runtimes: {
        eventLog: { plugin: 'kafka', options: kafka },
        clickhouse: { plugin: 'clickhouse', options: this.clickhouseContainer.getClientOptions() },
        realtimeStore: { plugin: 'redis', options: this.redisContainer.getClientOptions() },
        deadLetterQueue: { plugin: 'kafka', options: { ...kafka, topic: 'twinflow.dead-letters' } },
        scheduler: { plugin: 'node-cron' },
      },
      topics: { partitions: PARTITIONS },
      batch: { schedule: '0 0 1 1 *' },
      serving: { port: 0, host: '127.0.0.1', graphiql: false, accessLog: false },
      log: { level: 'warn' },
      ...overrides,
    })
  }

  /** The same config written to a file, for `twinflow start --config` (without what parsing derived: `defaultedRuntimes` is no option). */
  configFile(config: TwinflowConfig): string {
    const file = join(this.#dir, `twinflow-${++this.#configs}.json`)
    const { defaultedRuntimes: _derived, ...options } = config
    writeFileSync(file, JSON.stringify(options, null, 2))
    return file
  }

  /** Empties every service between scenarios: the topics are deleted and created again, Redis flushed, ClickHouse's tables dropped. */
  async reset(): Promise<void> {
    const admin = this.kafka.admin()
    await admin.connect()
    try {
      const existing = (await admin.listTopics()).filter((t) => !t.startsWith('__'))
      if (existing.length > 0) await admin.deleteTopics({ topics: existing, timeout: 30_000 })
      for (let attempt = 0; ; attempt++) {
        try {
          await admin.createTopics({ topics: [{ topic: purchases.topic, numPartitions: PARTITIONS }], waitForLeaders: true })
          break
        } catch (error) {
          // A topic just deleted may still be marked for deletion for a moment.
          if (attempt >= 50) throw error
          await new Promise((r) => setTimeout(r, 200))
        }
      }
      const groups = (await admin.listGroups()).groups.map((g) => g.groupId)
      if (groups.length > 0) await admin.deleteGroups(groups).catch(() => {})
    } finally {
      await admin.disconnect()
    }
    await this.redis.flushall()
    const tables = await (await this.clickhouse.query({ query: 'SELECT name FROM system.tables WHERE database = currentDatabase()', format: 'JSONEachRow' })).json<{
      name: string
    }>()
    // Materialized views first: dropping one drops its `.inner.` table too.
    const ordered = [...tables].sort((a, b) => Number(a.name.startsWith('.inner.')) - Number(b.name.startsWith('.inner.')))
    for (const { name } of ordered) await this.clickhouse.command({ query: `DROP TABLE IF EXISTS \`${name}\`` })
    await this.#mergesSettled()
  }

  /** Waits (up to a minute) until ClickHouse runs no merge: the previous scenario's must not run during the next one's measures. */
  async #mergesSettled(): Promise<void> {
    const started = Date.now()
    for (;;) {
      const [row] = await (await this.clickhouse.query({ query: 'SELECT count() AS n FROM system.merges', format: 'JSONEachRow' })).json<{ n: string }>()
      if (Number(row?.n ?? 0) === 0 || Date.now() - started > 60_000) break
      await new Promise((r) => setTimeout(r, 200))
    }
    const waited = Date.now() - started
    if (waited > 500) console.log(`[bench] ClickHouse finished its merges in ${(waited / 1000).toFixed(1)} s before the next scenario`)
  }

  async stop(): Promise<void> {
    await Promise.allSettled([this.redis.quit(), this.clickhouse.close()])
    await Promise.allSettled([this.kafkaContainer.stop(), this.redisContainer.stop(), this.clickhouseContainer.stop()])
    rmSync(this.#dir, { recursive: true, force: true })
  }
}
