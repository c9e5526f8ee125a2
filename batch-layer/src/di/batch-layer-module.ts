import { ContainerModule } from 'inversify'
import type { Registry } from 'prom-client'
import { PiiMasking, resolve, RUNTIME_SERVICES as R, TOKENS, type ProcessService, type Resolver } from '@twinflow/core'
import { Archiver } from '../archiver/archiver.ts'
import { ClickHouseBatchEngine } from '../engine/clickhouse-batch-engine.ts'
import { BatchRunner } from '../runner/batch-runner.ts'
import { BatchSchedule } from '../runner/batch-schedule.ts'
import { registerArchiverMetrics } from '../metrics/archiver-metrics.ts'
import { registerBatchMetrics } from '../metrics/batch-metrics.ts'
import { parseBatchLayerOptions, type BatchLayerOptions } from './batch-layer-options.ts'
import { BATCH_TOKENS } from './batch-tokens.ts'

export interface BatchLayerModuleDeps {
  /** The process's Prometheus registry, where the archiver and batch roles register their metrics. Without it, none. */
  registry?: Registry
}

/**
 * The batch layer's bindings (singletons): the ClickHouse batch engine (also as core's
 * TOKENS.BatchEngine, over TOKENS.ClickHouseDriver), the archiver, the runner and the schedule.
 * Options are validated now, so that bad config fails before anything starts: raw options from
 * code, or the config's `batch` section, already parsed (parsing it again gives it back).
 * Needs TOKENS.Clock, Logger, Pipeline, ClickHouseDriver, EventLog, DeadLetterQueue and Scheduler.
 *
 * Its process services (TOKENS.Service): `batchEngine` (the engine started, over `clickhouse`),
 * `archiver` (role `archiver`) and `batchSchedule` (role `batch`: recomputes on the schedule).
 */
export function batchLayerModule(options: BatchLayerOptions = {}, deps: BatchLayerModuleDeps = {}): ContainerModule {
  const resolved = parseBatchLayerOptions(options)
  return new ContainerModule(({ bind }) => {
    const get = <T>(ctx: unknown, id: symbol & { readonly __resolvesTo?: T }): T => resolve(ctx as Resolver, id)
    const logger = (ctx: unknown, component: string) => get(ctx, TOKENS.Logger).child({ component })
    bind(BATCH_TOKENS.Options).toConstantValue(resolved)
    bind(BATCH_TOKENS.Engine)
      .toDynamicValue((ctx) => new ClickHouseBatchEngine(get(ctx, TOKENS.ClickHouseDriver), get(ctx, TOKENS.Clock), logger(ctx, 'batch-engine')))
      .inSingletonScope()
    bind(TOKENS.BatchEngine).toService(BATCH_TOKENS.Engine)
    bind(BATCH_TOKENS.Archiver)
      .toDynamicValue(
        (ctx) =>
          new Archiver(
            get(ctx, BATCH_TOKENS.Engine),
            get(ctx, TOKENS.EventLog),
            get(ctx, TOKENS.DeadLetterQueue),
            get(ctx, TOKENS.Pipeline),
            get(ctx, TOKENS.Clock),
            logger(ctx, 'archiver'),
            resolved.archiver,
            ctx.get<PiiMasking | undefined>(TOKENS.PiiMasking, { optional: true }) ?? new PiiMasking(get(ctx, TOKENS.Pipeline).streams, null),
          ),
      )
      .inSingletonScope()
    bind(BATCH_TOKENS.Runner)
      .toDynamicValue(
        (ctx) =>
          new BatchRunner(
            get(ctx, BATCH_TOKENS.Engine),
            get(ctx, TOKENS.EventLog),
            get(ctx, TOKENS.Pipeline),
            get(ctx, TOKENS.Clock),
            logger(ctx, 'batch-runner'),
            resolved.runner,
          ),
      )
      .inSingletonScope()
    bind(BATCH_TOKENS.Schedule)
      .toDynamicValue((ctx) => new BatchSchedule(get(ctx, BATCH_TOKENS.Runner), get(ctx, TOKENS.Scheduler), logger(ctx, 'batch-schedule'), resolved.schedule))
      .inSingletonScope()
    bind(TOKENS.Service)
      .toDynamicValue((ctx): ProcessService => {
        const engine = () => get(ctx, BATCH_TOKENS.Engine)
        return {
          name: R.batchEngine,
          roles: [],
          needs: [R.clickhouse],
          async start(context) {
            await engine().start(get(ctx, TOKENS.Pipeline))
            context.readiness('batchEngine', () => engine().runs(null, 1))
          },
          stop: () => engine().stop(),
        }
      })
      .inSingletonScope()
    bind(TOKENS.Service)
      .toDynamicValue((ctx): ProcessService => {
        const archiver = () => get(ctx, BATCH_TOKENS.Archiver)
        return {
          name: 'archiver',
          roles: ['archiver'],
          needs: [R.eventLog, R.batchEngine, R.deadLetterQueue],
          async start() {
            if (deps.registry) {
              const { engine, pipeline, log } = { engine: get(ctx, BATCH_TOKENS.Engine), pipeline: get(ctx, TOKENS.Pipeline), log: get(ctx, TOKENS.EventLog) }
              registerArchiverMetrics(deps.registry, { engine, pipeline, log, logger: logger(ctx, 'metrics') })
            }
            await archiver().start()
          },
          stop: () => archiver().stop(),
        }
      })
      .inSingletonScope()
    bind(TOKENS.Service)
      .toDynamicValue((ctx): ProcessService => {
        const schedule = () => get(ctx, BATCH_TOKENS.Schedule)
        return {
          name: 'batchSchedule',
          roles: ['batch'],
          needs: [R.eventLog, R.batchEngine, R.scheduler],
          async validate() {
            schedule().validate()
          },
          async start() {
            if (deps.registry) {
              const clock = get(ctx, TOKENS.Clock)
              registerBatchMetrics(deps.registry, {
                engine: get(ctx, BATCH_TOKENS.Engine),
                pipeline: get(ctx, TOKENS.Pipeline),
                clock,
                logger: logger(ctx, 'metrics'),
                since: clock.now(),
              })
            }
            await schedule().start()
          },
          stop: () => schedule().stop(),
        }
      })
      .inSingletonScope()
  })
}
