import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { createTwinflow } from '../../app/create-twinflow.ts'
import { loadConfigFile } from '../../config/load-config-file.ts'
import { registerTypeScriptLoader } from '../../loader/register-typescript-loader.ts'
import type { Command } from '../command-context.ts'
import { findConfigFile } from '../find-config-file.ts'
import { parsePortOption } from '../parse-port-option.ts'
import { sampleQuery } from '../sample-query.ts'
import { describeRuntimes } from '../describe-runtimes.ts'
import { waitForSignal } from '../wait-for-signal.ts'

/**
 * `twinflow dev`: the config's pipeline with every role in this process, the dashboard and GraphiQL on, and a batch
 * run at once (then on the schedule). Runtimes the config leaves out are the embedded ones; their
 * data stays in the data directory from one run to the next (`--reset` empties it first, once the
 * arguments are checked and the directory's lock is taken).
 */
export const devCommand: Command = async ({ options, env }) => {
  registerTypeScriptLoader()
  const file = findConfigFile('dev', options.config ?? env.configPath)
  const port = parsePortOption(options.port) ?? env.port
  const loaded = await loadConfigFile(file, { dataDir: env.dataDir, variables: env.variables })
  if (port !== undefined) loaded.config.serving.port = port
  if (env.logLevel) loaded.config.log.level = env.logLevel as never
  const twinflow = createTwinflow(loaded)
  await twinflow.start(twinflow.roles, { command: 'twinflow dev', resetData: options.reset === true })
  // Listening for SIGINT/SIGTERM before the URLs are printed: whoever reads them may stop us at once.
  const stopped = waitForSignal(twinflow)
  console.log(`Twinflow dev is running ${loaded.pipeline.views.length} views of ${file}`)
  console.log(`Runtimes: ${describeRuntimes(loaded.config)}`)
  if (twinflow.dataDirectoryUsers.length > 0) console.log(`Data: ${loaded.config.dataDir}${options.reset ? ' (emptied by --reset)' : ' (kept between runs; --reset empties it)'}`)
  if (twinflow.dashboardUrl) console.log(`Dashboard: ${twinflow.dashboardUrl} (every view, live, and the pipeline's health)`)
  console.log(`GraphQL: ${twinflow.url} (GraphiQL opens there in a browser)`)
  console.log(`Operations: ${twinflow.opsUrl}/healthz, /readyz, /metrics`)
  const query = sampleQuery(loaded.pipeline, Date.now())
  if (query) console.log(`Try: ${query}`)
  // The first recompute right away (the schedule runs the next ones); a stop waits for it.
  twinflow
    .get(BATCH_TOKENS.Schedule)
    .runNow()
    .catch((error: unknown) => twinflow.logger.error('initial batch run failed', { error }))
  return stopped
}
