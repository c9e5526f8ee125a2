import { definePlugin } from '@twinflow/core'
import { parseGeneratorOptions } from './generator-options.ts'
import { GeneratorSource } from './generator-source.ts'

/** Source plugin `generator`: schema-driven random events for any stream of the pipeline. */
export const generatorSourcePlugin = definePlugin({
  kind: 'source',
  name: 'generator',
  description: 'Generates schema-valid events for a stream: a backfill over past hours, then a live rate.',
  parseOptions: parseGeneratorOptions,
  create: (options, ctx) => new GeneratorSource(ctx.instanceName, ctx.pipeline.stream(options.stream), options, ctx.clock),
})
