import { TwinflowError } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { createTwinflow } from '../../app/create-twinflow.ts'
import { loadConfigFile } from '../../config/load-config-file.ts'
import { registerTypeScriptLoader } from '../../loader/register-typescript-loader.ts'
import type { Command } from '../command-context.ts'
import { findConfigFile } from '../find-config-file.ts'

/** `twinflow batch run <view|all>`: one recompute now; prints the runs; exit 1 if one failed. */
export const batchCommand: Command = async ({ args, options, env }) => {
  const [verb, target] = args
  if (verb !== 'run' || !target) throw new TwinflowError('config', 'usage: twinflow batch run <view|all> [--config <file>]')
  registerTypeScriptLoader()
  const loaded = await loadConfigFile(findConfigFile('batch run', options.config ?? env.configPath), { dataDir: env.dataDir, variables: env.variables })
  if (env.logLevel) loaded.config.log.level = env.logLevel as never
  const view = target === 'all' ? null : loaded.pipeline.view(target).name
  const twinflow = createTwinflow(loaded)
  try {
    await twinflow.start([], { connect: ['batch'], command: 'twinflow batch run' })
  } catch (error) {
    if (!TwinflowError.is(error, 'config') || error.context.holder === undefined) throw error
    // The embedded runtimes' state is in the running process: it runs batches on batch.schedule.
    throw new TwinflowError('config', `${error.message} A running \`twinflow dev\` or \`start --role batch\` runs batches itself, on batch.schedule.`, {
      cause: error,
      context: error.context,
    })
  }
  try {
    const runner = twinflow.get(BATCH_TOKENS.Runner)
    const runs = view === null ? await runner.runAll() : [await runner.runView(view)]
    console.log(JSON.stringify(runs, null, 2))
    return runs.every((r) => r.status === 'succeeded') ? 0 : 1
  } finally {
    await twinflow.stop()
  }
}
