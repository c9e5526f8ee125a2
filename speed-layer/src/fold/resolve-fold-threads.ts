import { availableParallelism } from 'node:os'
import { TwinflowError } from '@twinflow/core'

/**
 * How many fold threads the speed layer runs for its `foldThreads` option: `'auto'` is one when the
 * pipeline module is known and there is more than one core, else none; a number is taken as it is,
 * but threads need the pipeline module (a `config` error says so).
 */
export function resolveFoldThreads(setting: number | 'auto', pipelineModule: string | undefined, cores = availableParallelism()): number {
  if (setting === 'auto') return pipelineModule !== undefined && cores > 1 ? 1 : 0
  if (setting > 0 && pipelineModule === undefined) {
    throw new TwinflowError(
      'config',
      `speed layer: option "foldThreads" is ${setting}, but no pipeline module is known: fold threads import the pipeline from the module the config's "pipeline" names; name it, or set foldThreads to 0`,
    )
  }
  return setting
}
