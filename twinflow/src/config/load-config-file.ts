import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { pipelineExport, TwinflowError, type Pipeline, type AnyTwinflowPlugin } from '@twinflow/core'
import { type EnvLookup, interpolateEnv } from './interpolate-env.ts'
import { parseConfig } from './parse-config.ts'
import type { TwinflowConfig } from './twinflow-config.ts'

export interface LoadedConfig {
  config: TwinflowConfig
  pipeline: Pipeline
  plugins: AnyTwinflowPlugin[]
}

export interface LoadConfigOptions {
  /** Overrides the config's `dataDir` (TWINFLOW_DATA_DIR). */
  dataDir?: string
  /** The environment `${NAME}` in the file reads (readEnv's `variables`). @default none set */
  variables?: EnvLookup
}

/**
 * Reads a JSON config file, fills in the environment variables its strings name (`${NAME}`, see
 * interpolateEnv), then imports the pipeline module and plugin modules it names (relative
 * to the file). TypeScript modules need a loader in the process: the CLI registers its own.
 */
export async function loadConfigFile(path: string, options: LoadConfigOptions = {}): Promise<LoadedConfig> {
  const file = resolve(path)
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    throw new TwinflowError('config', `cannot read config file ${file}: ${(error as Error).message}`)
  }
  let raw: unknown
  try {
    raw = JSON.parse(text)
  } catch (error) {
    throw new TwinflowError('config', `config file ${file} is not valid JSON: ${(error as Error).message}`)
  }
  raw = interpolateEnv(raw, options.variables ?? (() => undefined), `config file ${file}`)
  const base = dirname(file)
  const config = parseConfig(raw, { origin: `config file ${file}`, baseDir: base, ...(options.dataDir === undefined ? {} : { dataDir: options.dataDir }) })
  if (!config.pipeline) throw new TwinflowError('config', `config file ${file}: "pipeline" must name the module that exports your pipeline`)
  const pipelinePath = resolve(base, config.pipeline)
  const pipelineModule = await importModule(pipelinePath, 'pipeline')
  const pipeline = pipelineExport(pipelineModule)
  if (!pipeline) {
    throw new TwinflowError('config', `${config.pipeline} must export the pipeline (export const pipeline = definePipeline(...), or a default export)`)
  }
  const plugins: AnyTwinflowPlugin[] = []
  for (const p of config.plugins) {
    const mod = await importModule(modulePath(base, p), 'plugins')
    const exported = mod.default ?? mod.plugins
    if (!exported) throw new TwinflowError('config', `plugin module ${p} must have a default export: a plugin or an array of plugins`)
    plugins.push(...(Array.isArray(exported) ? exported : [exported]))
  }
  // The pipeline's path, resolved: what is relative to the config file is not to the process.
  return { config: { ...config, pipeline: pipelinePath }, pipeline, plugins }
}

/** A path relative to the config file, or a package name resolved from the config file's folder (its node_modules). */
function modulePath(base: string, specifier: string): string {
  if (/^(\.{1,2}\/|\/)/.test(specifier)) return resolve(base, specifier)
  try {
    return createRequire(join(base, 'twinflow.json')).resolve(specifier)
  } catch (error) {
    throw new TwinflowError('config', `cannot find the plugin package "${specifier}" from ${base}: ${(error as Error).message.split('\n')[0]} (is it installed?)`, { cause: error })
  }
}

async function importModule(path: string, what: string): Promise<Record<string, unknown>> {
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>
  } catch (error) {
    throw new TwinflowError('config', `cannot load ${what} module ${path}: ${describeLoadError(error)}`, { cause: error })
  }
}

/**
 * The error's message, with where it is when Node put that in the stack only: a module that
 * imports a name another does not export fails with a stack that starts with the importing file
 * and line (`file:///x.ts:3`, or the path when source maps are on), the line, a caret, then the message.
 */
function describeLoadError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const head = error.stack?.split(`\n${error.name}: `)[0]?.trimEnd()
  if (!head || head === error.stack || !/^(file:\/\/)?\/.+:\d+$/m.test(head.split('\n')[0] ?? '')) return error.message
  const [location, ...source] = head.split('\n')
  return `${error.message}\n  at ${location!.replace(/^file:\/\//, '')}\n${source.map((l) => `    ${l}`).join('\n')}`
}
