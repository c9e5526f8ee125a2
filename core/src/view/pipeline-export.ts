import type { Pipeline } from './define-pipeline.ts'

/**
 * The pipeline a pipeline module exports (`export const pipeline = definePipeline(...)`, or a
 * default export), or undefined when it exports none: how a config file's `pipeline` module is read,
 * in the process and in the speed layer's fold threads.
 */
export function pipelineExport(module: Record<string, unknown>): Pipeline | undefined {
  const pipeline = (module.pipeline ?? module.default) as Pipeline | undefined
  return pipeline && Array.isArray(pipeline.views) ? pipeline : undefined
}
