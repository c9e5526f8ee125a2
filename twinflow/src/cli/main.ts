import { createHash, randomBytes } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { TwinflowError } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { onlineStorePipeline } from '@twinflow/example-online-store'
import { createTwinflow } from '../app/create-twinflow'
import { parseRoles } from '../app/role'
import type { Twinflow } from '../app/twinflow'
import { devConfig } from '../config/dev-config'
import { loadConfigFile } from '../config/load-config-file'
import { parseConfig } from '../config/parse-config'
import { readEnv } from '../config/read-env'
import { USAGE } from './usage'

const SAMPLE_QUERY = `{ shopRevenue(from: "<24h ago>", to: "<now>", granularity: DAY) { cutoff version rows { windowStart shop orders revenueCents avgOrderCents } } }`

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandLine(argv)
  const env = readEnv()
  const [command, ...rest] = positionals
  if (values.help || command === undefined || command === 'help') {
    console.log(USAGE)
    return 0
  }
  const configPath = values.config ?? env.configPath
  const needConfig = () => {
    if (!configPath) throw new TwinflowError('config', `${command} needs --config <file> (or TWINFLOW_CONFIG)`)
    return configPath
  }
  switch (command) {
    case 'dev': {
      const chdbPath = resolve(join(env.dataDir, 'dev-chdb'))
      await rm(chdbPath, { recursive: true, force: true }) // the in-memory log starts empty, so must the master tables
      const config = parseConfig(
        devConfig(onlineStorePipeline, {
          chdbPath,
          port: env.port ?? number(values.port, 'port', 4000),
          ratePerSecond: number(values.rate, 'rate', 50),
          backfillEvents: number(values.backfill, 'backfill', 20_000),
        }),
        'dev config',
      )
      if (env.logLevel) config.log.level = env.logLevel as never
      const twinflow = createTwinflow({ pipeline: onlineStorePipeline, config })
      await twinflow.start(['ingest', 'archiver', 'speed', 'batch', 'serve'])
      console.log(`Twinflow dev is running (embedded runtimes). GraphQL: ${twinflow.url}`)
      console.log(`Operations: ${twinflow.opsUrl}/healthz, /readyz, /metrics`)
      console.log(`Try: ${SAMPLE_QUERY}`)
      // First recompute right away (the schedule then runs every minute); a stop waits for it.
      twinflow.get(BATCH_TOKENS.Schedule).runNow().catch((error: unknown) => twinflow.logger.error('initial batch run failed', { error }))
      return waitForSignal(twinflow)
    }
    case 'start': {
      const loaded = await loadConfigFile(needConfig())
      if (env.port !== undefined) loaded.config.serving.port = env.port
      const roles = parseRoles(values.role ?? 'all')
      const twinflow = createTwinflow(loaded)
      await twinflow.start(roles)
      if (twinflow.url) console.log(`GraphQL: ${twinflow.url}`)
      console.log(`Operations: ${twinflow.opsUrl}/healthz, /readyz, /metrics`)
      return waitForSignal(twinflow)
    }
    case 'batch': {
      if (rest[0] !== 'run' || !rest[1]) throw new TwinflowError('config', 'usage: twinflow batch run <view|all> --config <file>')
      const loaded = await loadConfigFile(needConfig())
      const twinflow = createTwinflow(loaded)
      await twinflow.start([], { connect: ['batch'] })
      try {
        const runner = twinflow.get(BATCH_TOKENS.Runner)
        const runs = rest[1] === 'all' ? await runner.runAll() : [await runner.runView(loaded.pipeline.view(rest[1]).name)]
        console.log(JSON.stringify(runs, null, 2))
        return runs.every((r) => r.status === 'succeeded') ? 0 : 1
      } finally {
        await twinflow.stop()
      }
    }
    case 'api-key': {
      const name = rest[0]
      if (!name) throw new TwinflowError('config', 'usage: twinflow api-key <name> [--views view1,view2]')
      const key = randomBytes(32).toString('base64url')
      const views = (values.views ?? '*').split(',').map((v) => v.trim()).filter(Boolean)
      const entry = { name, sha256: createHash('sha256').update(key).digest('hex'), views }
      console.log(`API key for "${name}" (give it to the client; it is not stored anywhere):\n\n  ${key}\n`)
      console.log(`Add this to serving.auth.keys (with "mode": "api-key") in the config:\n\n  ${JSON.stringify(entry)}`)
      return 0
    }
    case 'check': {
      const loaded = await loadConfigFile(needConfig())
      createTwinflow(loaded)
      for (const v of loaded.pipeline.views) console.log(`view ${v.name}: stream ${v.stream.name}, window ${v.window}, keys [${v.keys.map((k) => k.name)}], measures [${v.measures.map((m) => m.name)}]`)
      console.log('config OK')
      return 0
    }
    default:
      throw new TwinflowError('config', `unknown command "${command}"\n\n${USAGE}`)
  }
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        role: { type: 'string' },
        port: { type: 'string' },
        rate: { type: 'string' },
        backfill: { type: 'string' },
        views: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    throw new TwinflowError('config', `${(error as Error).message}\n\n${USAGE}`)
  }
}

function number(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n < 0) throw new TwinflowError('config', `--${name} must be a non-negative number, got "${value}"`)
  return n
}

function waitForSignal(twinflow: Twinflow): Promise<number> {
  return new Promise((done) => {
    const stop = (signal: string) => {
      twinflow.logger.info('stopping', { signal })
      twinflow.stop().then(
        () => done(0),
        (error: unknown) => {
          twinflow.logger.error('stop failed', { error })
          done(1)
        },
      )
    }
    process.once('SIGINT', () => stop('SIGINT'))
    process.once('SIGTERM', () => stop('SIGTERM'))
  })
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (TwinflowError.is(error, 'config') || TwinflowError.is(error, 'plugin')) console.error(`twinflow: ${error.message}`)
    else console.error(error)
    process.exit(2)
  },
)
