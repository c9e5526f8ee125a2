import { ContainerModule } from 'inversify'
import { resolve, TOKENS, type Resolver } from '@twinflow/core'
import { Archiver } from '../archiver/archiver.ts'
import { ClickHouseBatchEngine } from '../engine/clickhouse-batch-engine.ts'
import { BatchRunner } from '../runner/batch-runner.ts'
import { BatchSchedule } from '../runner/batch-schedule.ts'
import { parseBatchLayerOptions, type BatchLayerOptions } from './batch-layer-options.ts'
import { BATCH_TOKENS } from './batch-tokens.ts'

/**
 * The batch layer's bindings (singletons): the ClickHouse batch engine (also as core's
 * TOKENS.BatchEngine, over TOKENS.ClickHouseDriver), the archiver, the runner and the schedule.
 * Options are validated now, so that bad config fails before anything starts: raw options from
 * code, or the config's `batch` section, already parsed (parsing it again gives it back).
 * Needs TOKENS.Clock, Logger, Pipeline, ClickHouseDriver, EventLog, DeadLetterQueue and Scheduler.
 */
export function batchLayerModule(options: BatchLayerOptions = {}): ContainerModule {
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
  })
}
