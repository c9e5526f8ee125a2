import { mkdtemp } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AnyTwinflowPlugin, Logger, LogLevel, Pipeline } from '@twinflow/core'
import { createTwinflow, parseConfig, type TwinflowConfigInput } from 'twinflow'
import { TestClock } from './test-clock.ts'
import { TestPipeline } from './test-pipeline.ts'

export interface TestPipelineOptions {
  /** The pipeline under test. */
  pipeline: Pipeline
  /** Where the test clock starts (epoch ms, a Date or ISO-8601 with a zone). @default the current time */
  now?: number | string | Date
  /**
   * Config of the process (auth, limits, views' runtimes...). Runtimes it leaves out are the
   * embedded ones, in a data directory made for this pipeline and removed by `stop()`.
   */
  config?: TwinflowConfigInput
  /** Third-party plugins the config may name. */
  plugins?: readonly AnyTwinflowPlugin[]
  /** @default 'warn' */
  logLevel?: LogLevel
  /** Where the process logs (e.g. core's createJsonLogger with a `write` of your own, to read what it logged). @default pino on stderr at `logLevel` */
  logger?: Logger
}

/**
 * Starts a pipeline for a test: the archiver, the speed layer and the GraphQL server run in this
 * process (and the alert role, when the config turns alert rules on: `alerts.rules`), and the config's
 * sources if it has any (the `ingest` role: an `http` source's route is on the same server as GraphQL,
 * `tf.baseUrl`); batch runs happen when the test calls `runBatch()`. The embedded ClickHouse (chdb) holds
 * one data directory per process: run one TestPipeline at a time in a test file (stop it before
 * the next starts; vitest runs files in processes of their own).
 */
export async function createTestPipeline(options: TestPipelineOptions): Promise<TestPipeline> {
  const clock = new TestClock(options.now ?? Date.now())
  const dataDir = await mkdtemp(join(tmpdir(), 'twinflow-test-'))
  const given = options.config ?? {}
  const config = parseConfig(
    {
      ...given,
      serving: { port: 0, host: '127.0.0.1', graphiql: false, accessLog: false, ...given.serving },
      log: { level: options.logLevel ?? given.log?.level ?? 'warn' },
    },
    { origin: 'test pipeline config', dataDir },
  )
  const twinflow = createTwinflow({
    pipeline: options.pipeline,
    config,
    clock,
    ...(options.plugins ? { plugins: options.plugins } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
  })
  const test = new TestPipeline(twinflow, clock, dataDir)
  try {
    // The alert role too when the config turns alert rules on; the config's sources (an `http`
    // source, say) run in the `ingest` role.
    const alerting = Object.keys(config.alerts.rules).length > 0 ? ['alert'] : []
    const ingesting = config.sources.length > 0 ? ['ingest'] : []
    await twinflow.start([...ingesting, 'archiver', 'speed', 'serve', ...alerting], { connect: ['batch'] })
  } catch (error) {
    await test.stop().catch(() => {})
    throw error
  }
  return test
}
