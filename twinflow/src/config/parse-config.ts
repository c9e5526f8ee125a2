import { resolve } from 'node:path'
import { parseOptions } from '@twinflow/core'
import { EMBEDDED_RUNTIMES } from './embedded-runtimes.ts'
import { twinflowConfigSchema, type RuntimeName, type TwinflowConfig } from './twinflow-config.ts'

export interface ParseConfigOptions {
  /** Names the config in errors. @default 'config' */
  origin?: string
  /** What relative paths of the config (`dataDir`) are relative to. @default the working directory */
  baseDir?: string
  /** Overrides the config's `dataDir` (TWINFLOW_DATA_DIR), relative to the working directory. */
  dataDir?: string
}

/**
 * Validates a config object, fills in the embedded runtimes it leaves out and resolves its data
 * directory; the error lists every problem as `path: what is wrong`.
 */
export function parseConfig(raw: unknown, options: ParseConfigOptions = {}): TwinflowConfig {
  const { runtimes, dataDir, ...rest } = parseOptions(twinflowConfigSchema, raw, '', options.origin ?? 'config')
  const dir = options.dataDir !== undefined ? resolve(options.dataDir) : resolve(options.baseDir ?? '.', dataDir ?? '.twinflow')
  const names = Object.keys(EMBEDDED_RUNTIMES) as RuntimeName[]
  return {
    ...rest,
    runtimes: Object.fromEntries(names.map((name) => [name, runtimes[name] ?? EMBEDDED_RUNTIMES[name]])) as TwinflowConfig['runtimes'],
    defaultedRuntimes: names.filter((name) => runtimes[name] === undefined),
    dataDir: dir,
  }
}
