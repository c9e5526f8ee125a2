import { TOKENS, type Sink } from '@twinflow/core'
import { ContainerModule } from 'inversify'
import { BatchEngineCutoffSource } from './batch-engine-cutoff-source.ts'
import { parseSpeedLayerOptions, type SpeedLayerOptions } from './speed-layer-options.ts'
import { SpeedWorker } from './speed-worker.ts'
import { SPEED_TOKENS } from './speed-tokens.ts'

/**
 * The speed layer's bindings: its options (validated now, so bad config fails at load: raw
 * options from code, or the config's `speed` section, already parsed, which parses to itself), the
 * cutoff source (the batch engine's publications) and the worker, over the event log, realtime
 * store, dead-letter queue and every sink bound in the container. `pipelineModule` (a file URL)
 * is the module that exports the pipeline, which fold threads import after the `threadPreload`
 * modules (e.g. a loader registration for a TypeScript pipeline).
 */
export function speedLayerModule(options: SpeedLayerOptions = {}, context: { pipelineModule?: string; threadPreload?: readonly string[] } = {}): ContainerModule {
  const resolved = parseSpeedLayerOptions(options)
  return new ContainerModule(({ bind }) => {
    bind(SPEED_TOKENS.Options).toConstantValue(resolved)
    bind(SPEED_TOKENS.CutoffSource)
      .toDynamicValue((ctx) => new BatchEngineCutoffSource(ctx.get(TOKENS.BatchEngine)))
      .inSingletonScope()
    bind(SPEED_TOKENS.Worker)
      .toDynamicValue(
        (ctx) =>
          new SpeedWorker(
            {
              pipeline: ctx.get(TOKENS.Pipeline),
              log: ctx.get(TOKENS.EventLog),
              store: ctx.get(TOKENS.RealtimeStore),
              deadLetters: ctx.get(TOKENS.DeadLetterQueue),
              sinks: ctx.getAll<Sink>(TOKENS.Sink, { optional: true }),
              cutoffs: ctx.get(SPEED_TOKENS.CutoffSource),
              clock: ctx.get(TOKENS.Clock),
              logger: ctx.get(TOKENS.Logger),
              ...(context.pipelineModule === undefined ? {} : { pipelineModule: context.pipelineModule }),
              ...(context.threadPreload === undefined ? {} : { threadPreload: context.threadPreload }),
            },
            ctx.get(SPEED_TOKENS.Options),
          ),
      )
      .inSingletonScope()
  })
}
