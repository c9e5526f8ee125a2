import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { TwinflowError } from '@twinflow/core'

/** The config file of a command: `--config`, else TWINFLOW_CONFIG, else `twinflow.json` in the working directory. */
export function findConfigFile(command: string, given: string | undefined): string {
  if (given) return resolve(given)
  const here = resolve('twinflow.json')
  if (existsSync(here)) return here
  throw new TwinflowError(
    'config',
    `${command} needs a config file: --config <file>, TWINFLOW_CONFIG, or a twinflow.json in the working directory (${process.cwd()}). ` +
      '`twinflow init <dir>` makes a new project with one.',
  )
}
