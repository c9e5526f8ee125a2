import type { Pipeline } from '@twinflow/core'

/**
 * The declarations a fold depends on, as one string: every stream (topic, fields with their kinds
 * and enum values, time field) and every view (filter, derived fields, keys, cells, window,
 * lateness), functions left out. A fold thread imports the pipeline module again; equal
 * fingerprints say it declares what the process runs.
 */
export function pipelineFingerprint(pipeline: Pipeline): string {
  return JSON.stringify({ streams: pipeline.streams, views: pipeline.views }, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value))
}
