import { TwinflowError, type Pipeline } from '@twinflow/core'

/** The declarations of a pipeline's streams and views, one string per name (see `pipelineFingerprint`). */
export interface PipelineFingerprint {
  streams: Record<string, string>
  views: Record<string, string>
}

/**
 * The declarations a fold depends on: every stream (topic, fields with their kinds and enum
 * values, time field) and every view (filter, derived fields, keys, cells, window, lateness), as
 * data. A fold thread imports the pipeline module again; equal fingerprints say it declares what
 * the process runs. Functions (a field type's parser, a cell's lift) are compared by presence
 * only: their source text depends on the TypeScript transform that loaded them.
 */
export function pipelineFingerprint(pipeline: Pipeline): PipelineFingerprint {
  const describe = (what: string, value: unknown): string => {
    try {
      return JSON.stringify(value, replacer)
    } catch (error) {
      throw new TwinflowError('config', `speed layer: the fold threads cannot compare the ${what} (${(error as Error).message}); set speed.foldThreads to 0`, { cause: error })
    }
  }
  return {
    streams: Object.fromEntries(pipeline.streams.map((s) => [s.name, describe(`declaration of stream "${s.name}"`, s)])),
    views: Object.fromEntries(pipeline.views.map((v) => [v.name, describe(`declaration of view "${v.name}"`, v)])),
  }
}

/** What differs between two fingerprints, one phrase per stream or view (empty when they are equal). */
export function fingerprintDifferences(process: PipelineFingerprint, module: PipelineFingerprint): string[] {
  const differences: string[] = []
  for (const kind of ['streams', 'views'] as const) {
    const what = kind === 'streams' ? 'stream' : 'view'
    const names = new Set([...Object.keys(process[kind]), ...Object.keys(module[kind])])
    for (const name of names) {
      const a = process[kind][name]
      const b = module[kind][name]
      if (b === undefined) differences.push(`${what} "${name}" is not in the module`)
      else if (a === undefined) differences.push(`${what} "${name}" is only in the module`)
      else if (a !== b) differences.push(`${what} "${name}" is declared differently`)
    }
  }
  return differences
}

function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return `${value}n`
  if (typeof value === 'function') return 'function'
  if (typeof value === 'number' && Object.is(value, -0)) return '-0'
  if (value instanceof Map) return { map: [...value] }
  if (value instanceof Set) return { set: [...value] }
  return value
}
