import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createJsonLogger, type LogMessage } from '@twinflow/core'
import { onlineStorePipelineModule } from '@twinflow/example-online-store'
import { KafkaEventLog, parseKafkaOptions } from '@twinflow/plugin-kafka'
import {
  ClickHouseContainer,
  KafkaContainer,
  RedisContainer,
  type StartedClickHouseContainer,
  type StartedKafkaContainer,
  type StartedRedisContainer,
} from '../containers/index.ts'
import type { ImageVariable } from '../images.ts'
import { settings } from '../settings.ts'
import { TwinflowProcess, type TwinflowProcessOptions } from './twinflow-process.ts'

export const TOPICS = { orders: 'twinflow.orders', pageViews: 'twinflow.pageViews' } as const
export const DEAD_LETTER_TOPIC = 'twinflow.dead-letters'
export const SPEED_GROUP = 'twinflow-speed'
export const ARCHIVER_GROUP = 'twinflow-archiver'

export interface StackOptions {
  images: Partial<Record<ImageVariable, string>>
  /** Which Kafka image variable to use. @default 'TWINFLOW_KAFKA_IMAGE' */
  kafka?: 'TWINFLOW_KAFKA_IMAGE' | 'TWINFLOW_KAFKA4_IMAGE'
  /** Redis with AOF and fsync on every write. */
  redisAppendOnly?: boolean
  /** Host ports that survive a restart of Redis / ClickHouse (for fault scenarios). */
  stablePorts?: boolean
  /** Extra broker settings (KAFKA_* env vars). */
  kafkaEnvironment?: Record<string, string>
}

/** Options of the Twinflow config that scenarios change. */
export interface ConfigOverrides {
  kafka?: Record<string, unknown>
  speed?: Record<string, unknown>
  batch?: Record<string, unknown>
  /** The pipeline module. @default the online store's */
  pipeline?: string
  /** Notification channels (the config's `sinks`). */
  sinks?: unknown[]
  alerts?: Record<string, unknown>
  /** The config's `reports` section. */
  reports?: Record<string, unknown>
  /** The config's `sources` (for the `ingest` role: an `http` or a `sql` source). */
  sources?: Record<string, unknown>[]
  /** Merged into the `serving` section (e.g. `auth`). */
  serving?: Record<string, unknown>
  /** The config's `pii` section (the masking secret). */
  pii?: Record<string, unknown>
}

/**
 * One scenario's deployment: Kafka, Redis and ClickHouse in containers, Twinflow config files
 * pointing at them (in a temp dir), the Twinflow processes started from them, and a producer in the
 * test process. `stop()` ends every process, then stops every container.
 */
export class Stack {
  readonly processes: TwinflowProcess[] = []
  readonly #dir = mkdtempSync(join(tmpdir(), 'twinflow-e2e-'))
  #log: KafkaEventLog | null = null
  #configs = 0

  private constructor(
    readonly kafka: StartedKafkaContainer,
    readonly redis: StartedRedisContainer,
    readonly clickhouse: StartedClickHouseContainer,
  ) {}

  static async start(options: StackOptions): Promise<Stack> {
    const image = (v: ImageVariable) =>
      options.images[v] ??
      (() => {
        throw new Error(`no image for ${v}`)
      })()
    const kafka = new KafkaContainer(image(options.kafka ?? 'TWINFLOW_KAFKA_IMAGE')).withEnvironment(options.kafkaEnvironment ?? {})
    const redis = new RedisContainer(image('TWINFLOW_REDIS_IMAGE'))
    if (options.redisAppendOnly) redis.withAppendOnly()
    const clickhouse = new ClickHouseContainer(image('TWINFLOW_CLICKHOUSE_IMAGE'))
    if (options.stablePorts) {
      redis.withStableHostPort()
      clickhouse.withStableHostPort()
    }
    const started = await Promise.allSettled([kafka.start(), redis.start(), clickhouse.start()])
    const failed = started.find((s) => s.status === 'rejected')
    if (failed) {
      await Promise.allSettled(started.map((s) => (s.status === 'fulfilled' ? s.value.stop() : null)))
      throw (failed as PromiseRejectedResult).reason
    }
    const [k, r, c] = started.map((s) => (s as PromiseFulfilledResult<unknown>).value) as [StartedKafkaContainer, StartedRedisContainer, StartedClickHouseContainer]
    return new Stack(k, r, c)
  }

  /** A Twinflow config for these containers, written to a file; returns its path. */
  writeConfig(overrides: ConfigOverrides = {}): string {
    const kafka = { ...this.kafka.getClientOptions(), sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, maxWaitTimeMs: 1000, ...overrides.kafka }
    const config = {
      pipeline: overrides.pipeline ?? onlineStorePipelineModule,
      runtimes: {
        eventLog: { plugin: 'kafka', options: kafka },
        clickhouse: { plugin: 'clickhouse', options: this.clickhouse.getClientOptions() },
        realtimeStore: { plugin: 'redis', options: this.redis.getClientOptions() },
        deadLetterQueue: { plugin: 'kafka', options: { ...kafka, topic: DEAD_LETTER_TOPIC } },
        scheduler: { plugin: 'node-cron' },
      },
      topics: { partitions: 4 },
      sources: overrides.sources ?? [],
      // The scenarios run batches with `twinflow batch run all`; the schedule is for the `batch` role.
      batch: { schedule: '0 0 1 1 *', ...overrides.batch },
      speed: { cutoffRefreshMs: 1000, ...overrides.speed },
      serving: { port: 0, host: '127.0.0.1', graphiql: false, ...overrides.serving },
      log: { level: 'info' },
      ...(overrides.sinks ? { sinks: overrides.sinks } : {}),
      ...(overrides.alerts ? { alerts: overrides.alerts } : {}),
      ...(overrides.reports ? { reports: overrides.reports } : {}),
      ...(overrides.pii ? { pii: overrides.pii } : {}),
    }
    const file = join(this.#dir, `twinflow-${++this.#configs}.json`)
    writeFileSync(file, JSON.stringify(config, null, 2))
    return file
  }

  /** `twinflow start --role <role>`; resolves once the process logged that it started. */
  async startRole(role: string, config: string, name = role, options: Pick<TwinflowProcessOptions, 'logLevel' | 'onSpawn'> = {}): Promise<TwinflowProcess> {
    const p = await TwinflowProcess.start({
      name,
      args: ['start', '--role', role, '--config', config],
      echo: settings.verbose,
      ...options,
      readyWhen: /"msg":"twinflow started"/,
      timeoutMs: 90_000,
    })
    this.processes.push(p)
    return p
  }

  /** `twinflow start --role serve`; resolves with the process and its GraphQL URL. */
  async startServe(config: string, name = 'serve'): Promise<{ process: TwinflowProcess; url: string }> {
    const p = await TwinflowProcess.start({ name, args: ['start', '--role', 'serve', '--config', config], echo: settings.verbose })
    this.processes.push(p)
    const [, url] = await p.waitForOutput(/GraphQL: (http:\/\/\S+)/, 90_000)
    return { process: p, url: url! }
  }

  /** Starts `twinflow batch run all` (not awaited: see `batchRun` for the usual case). */
  async spawnBatch(config: string, name = 'batch'): Promise<TwinflowProcess> {
    const p = await TwinflowProcess.start({ name, args: ['batch', 'run', 'all', '--config', config], echo: settings.verbose })
    this.processes.push(p)
    return p
  }

  /** Runs `twinflow batch run all` to its end; returns the runs it printed and its exit code. */
  async batchRun(config: string, timeoutMs = 180_000): Promise<{ code: number | null; runs: BatchRunRecord[]; process: TwinflowProcess }> {
    const p = await this.spawnBatch(config)
    const exit = await p.finished(timeoutMs)
    return { code: exit.code, runs: parseRuns(p), process: p }
  }

  /** A connected event log in the test process (to produce events). */
  async log(): Promise<KafkaEventLog> {
    if (this.#log) return this.#log
    const log = new KafkaEventLog(
      parseKafkaOptions({ ...this.kafka.getClientOptions(), clientId: 'twinflow-e2e-producer' }),
      createJsonLogger({ level: settings.verbose ? 'info' : 'error' }),
    )
    await log.connect()
    this.#log = log
    return log
  }

  async createTopics(): Promise<void> {
    const log = await this.log()
    for (const topic of Object.values(TOPICS)) await log.createTopic(topic, 4)
  }

  /** Produces JSON events in chunks (keys spread them over the partitions). */
  async produce(topic: string, events: readonly object[], chunk = 5000): Promise<void> {
    const log = await this.log()
    for (let i = 0; i < events.length; i += chunk) {
      await log.produce(
        topic,
        events.slice(i, i + chunk).map((e) => ({ value: Buffer.from(JSON.stringify(e)) })),
      )
    }
  }

  async produceRaw(topic: string, messages: LogMessage[]): Promise<void> {
    await (await this.log()).produce(topic, messages)
  }

  /** Output of every process, for a failure report. */
  report(): string {
    return this.processes.map((p) => `----- ${p.name} (pid ${p.pid}, ${p.running ? 'running' : 'exited'}) -----\n${p.tail(4000)}`).join('\n')
  }

  /** Ends every process (SIGTERM, then SIGKILL), then stops and removes every container; reports what failed. */
  async stop(): Promise<void> {
    const results = [
      ...(await Promise.allSettled(this.processes.map((p) => p.stop(10_000)))),
      ...(await Promise.allSettled([this.#log?.close()])),
      ...(await Promise.allSettled([this.kafka.stop(), this.redis.stop(), this.clickhouse.stop()])),
    ]
    rmSync(this.#dir, { recursive: true, force: true })
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason)
    if (failures.length > 0) throw new AggregateError(failures, 'the e2e stack did not stop cleanly (check `docker ps -a` for leftovers)')
  }
}

export interface BatchRunRecord {
  runId: string
  view: string
  attempt: number
  status: 'running' | 'succeeded' | 'failed'
  cutoff: number
  version: number
  rows: number
  error: string | null
}

/** The runs `twinflow batch run` printed (a JSON array on stdout, between its log lines). */
export function parseRuns(p: TwinflowProcess): BatchRunRecord[] {
  const out = p.output()
  const start = out.indexOf('[\n  {')
  if (start < 0) throw new Error(`${p.name} printed no runs:\n${p.tail()}`)
  const end = out.indexOf('\n]', start)
  return JSON.parse(out.slice(start, end + 2)) as BatchRunRecord[]
}
