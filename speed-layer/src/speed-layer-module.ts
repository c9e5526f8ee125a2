import { RUNTIME_SERVICES as R, TOKENS, type Channels, type PiiMasking, type Logger, type ProcessService } from '@twinflow/core'
import { ContainerModule } from 'inversify'
import type { Registry } from 'prom-client'
import { BatchEngineCutoffSource } from './batch-engine-cutoff-source.ts'
import { registerSpeedMetrics } from './metrics/speed-metrics.ts'
import { parseSpeedLayerOptions, type SpeedLayerOptions } from './speed-layer-options.ts'
import { SpeedWorker } from './speed-worker.ts'
import { SPEED_TOKENS } from './speed-tokens.ts'

export interface SpeedLayerModuleContext {
  /** File URL of the module that exports the pipeline, which fold threads import. */
  pipelineModule?: string
  /** Modules fold threads import before it (e.g. a loader registration for a TypeScript pipeline). */
  threadPreload?: readonly string[]
  /** The process's Prometheus registry, where the speed role registers its metrics. Without it, none. */
  registry?: Registry
}

/**
 * The speed layer's bindings: its options (validated now, so bad config fails at load: raw
 * options from code, or the config's `speed` section, already parsed, which parses to itself), the
 * cutoff source (the batch engine's publications) and the worker, over the event log, realtime
 * store, dead-letter queue and the channels (TOKENS.Channels, when bound). `pipelineModule` (a file URL)
 * is the module that exports the pipeline, which fold threads import after the `threadPreload`
 * modules (e.g. a loader registration for a TypeScript pipeline).
 *
 * Its process service (TOKENS.Service): `speedWorker`, role `speed`, which needs the event log,
 * the batch engine (cutoffs), the realtime store, the dead-letter queue and the channels.
 */
export function speedLayerModule(options: SpeedLayerOptions = {}, context: SpeedLayerModuleContext = {}): ContainerModule {
  const resolved = parseSpeedLayerOptions(options)
  return new ContainerModule(({ bind }) => {
    bind(SPEED_TOKENS.Options).toConstantValue(resolved)
    bind(SPEED_TOKENS.CutoffSource)
      .toDynamicValue((ctx) => new BatchEngineCutoffSource(ctx.get(TOKENS.BatchEngine)))
      .inSingletonScope()
    bind(SPEED_TOKENS.Worker)
      .toDynamicValue((ctx) => {
        const channels = ctx.get<Channels | undefined>(TOKENS.Channels, { optional: true })
        const masking = ctx.get<PiiMasking | undefined>(TOKENS.PiiMasking, { optional: true })
        return new SpeedWorker(
          {
            pipeline: ctx.get(TOKENS.Pipeline),
            log: ctx.get(TOKENS.EventLog),
            store: ctx.get(TOKENS.RealtimeStore),
            deadLetters: ctx.get(TOKENS.DeadLetterQueue),
            ...(channels ? { channels } : {}),
            ...(masking ? { masking } : {}),
            cutoffs: ctx.get(SPEED_TOKENS.CutoffSource),
            clock: ctx.get(TOKENS.Clock),
            logger: ctx.get(TOKENS.Logger),
            ...(context.pipelineModule === undefined ? {} : { pipelineModule: context.pipelineModule }),
            ...(context.threadPreload === undefined ? {} : { threadPreload: context.threadPreload }),
          },
          ctx.get(SPEED_TOKENS.Options),
        )
      })
      .inSingletonScope()
    bind(TOKENS.Service)
      .toDynamicValue((ctx): ProcessService => {
        const worker = () => ctx.get<SpeedWorker>(SPEED_TOKENS.Worker)
        return {
          name: 'speedWorker',
          roles: ['speed'],
          needs: [R.eventLog, R.batchEngine, R.realtimeStore, R.deadLetterQueue, R.channels],
          async start(process) {
            const speed = worker()
            if (context.registry) {
              registerSpeedMetrics(context.registry, {
                worker: speed,
                pipeline: ctx.get(TOKENS.Pipeline),
                log: ctx.get(TOKENS.EventLog),
                store: ctx.get(TOKENS.RealtimeStore),
                clock: ctx.get(TOKENS.Clock),
                logger: ctx.get<Logger>(TOKENS.Logger).child({ component: 'metrics' }),
              })
            }
            await speed.start()
            process.readiness('speedWorker', async () => {
              const { state } = speed.health()
              if (state !== 'running' && state !== 'degraded') throw Object.assign(new Error(`speed worker is ${state}`), { kind: state })
            })
            speed.onHealthChange((health) => {
              if (health.state === 'failed') process.fail('the speed worker stopped after a non-retriable error')
            })
          },
          stop: () => worker().stop(),
        }
      })
      .inSingletonScope()
  })
}
