import { readFile } from 'node:fs/promises'
import { TwinflowError } from '@twinflow/core'
import { createTwinflow } from '../../app/create-twinflow.ts'
import { loadConfigFile } from '../../config/load-config-file.ts'
import { loadHistory } from '../../load/load-history.ts'
import { registerTypeScriptLoader } from '../../loader/register-typescript-loader.ts'
import type { Command } from '../command-context.ts'
import { findConfigFile } from '../find-config-file.ts'
import { progressOutput } from '../load-progress.ts'

const USAGE = 'usage: twinflow load --stream <name> [--config <file>] [--format csv|ndjson|json|parquet] [--mapping <file.json>] <files...>'

/**
 * `twinflow load --stream <s> <files...>`: loads files of history straight into the stream's master
 * table (see loadHistory). Takes the data directory's lock like `batch run`, so it is refused while
 * `twinflow dev` holds it. Exit 0 when every file is loaded or was loaded before, 1 when a file
 * failed; 2 (main) for bad arguments, config or mapping.
 */
export const loadCommand: Command = async ({ args, options, env }) => {
  if (!options.stream) throw new TwinflowError('config', `--stream is required\n${USAGE}`)
  if (args.length === 0) throw new TwinflowError('config', `no file to load\n${USAGE}`)
  const blockRows = options['block-rows'] === undefined ? undefined : Number(options['block-rows'])
  if (blockRows !== undefined && (!Number.isSafeInteger(blockRows) || blockRows < 1))
    throw new TwinflowError('config', `--block-rows must be a positive integer, got "${options['block-rows']}"`)
  const mapping = options.mapping === undefined ? undefined : await readJson(options.mapping, '--mapping')
  const csv = csvOptions(options)
  registerTypeScriptLoader()
  const configPath = findConfigFile('load', options.config ?? env.configPath)
  const loaded = await loadConfigFile(configPath, { dataDir: env.dataDir, variables: env.variables })
  if (env.logLevel) loaded.config.log.level = env.logLevel as never
  loaded.pipeline.stream(options.stream)
  const twinflow = createTwinflow(loaded)
  try {
    await twinflow.start([], { connect: ['archiver'], command: 'twinflow load' })
  } catch (error) {
    await twinflow.stop().catch(() => {})
    if (!TwinflowError.is(error, 'config') || error.context.holder === undefined) throw error
    throw new TwinflowError(
      'config',
      `${error.message} The embedded runtimes' state belongs to the process that holds the directory: stop it (e.g. the running \`twinflow dev\`), load, then start it again.`,
      { cause: error, context: error.context },
    )
  }
  const output = progressOutput()
  try {
    const summary = await loadHistory(twinflow, {
      stream: options.stream,
      files: args,
      ...(options.format ? { format: options.format } : {}),
      ...(csv ? { csv } : {}),
      ...(mapping === undefined ? {} : { mapping }),
      ...(blockRows ? { blockRows } : {}),
      onProgress: (p) => output.progress(p),
    })
    output.summary(summary, `run \`twinflow batch run all --config ${configPath}\` (or wait for the scheduled run): loaded history is served once a batch run covers it.`)
    return summary.files.some((f) => f.status === 'failed') ? 1 : 0
  } finally {
    await twinflow.stop()
  }
}

async function readJson(path: string, what: string): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw new TwinflowError('config', `${what}: cannot read ${path}: ${(error as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    throw new TwinflowError('config', `${what}: ${path} is not valid JSON: ${(error as Error).message}`)
  }
}

function csvOptions(options: Record<string, unknown>): Record<string, unknown> | undefined {
  const csv: Record<string, unknown> = {}
  if (typeof options.delimiter === 'string') csv.delimiter = options.delimiter === '\\t' ? '\t' : options.delimiter
  if (typeof options.quote === 'string') csv.quote = options.quote
  if (typeof options.columns === 'string') csv.columns = options.columns.split(',').map((c) => c.trim())
  if (options['no-header'] === true) csv.header = false
  return Object.keys(csv).length > 0 ? csv : undefined
}
