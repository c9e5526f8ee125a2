import { ContainerModule } from 'inversify'
import type { Registry } from 'prom-client'
import { resolve, RUNTIME_SERVICES as R, TOKENS, type ProcessService, type Resolver, type Token } from '@twinflow/core'
import { SERVING_TOKENS } from '../serving-tokens.ts'
import { AlertEvaluator } from './alert-evaluator.ts'
import { registerAlertMetrics } from './alert-metrics.ts'
import { parseAlertOptions, type AlertOptions } from './alert-options.ts'
import { AlertReader } from './alert-reader.ts'
import { enabledRules } from './enabled-rules.ts'

export interface AlertsModuleDeps {
  /** The process's Prometheus registry, where the alert role registers its metrics. Without it, none. */
  registry?: Registry
}

/**
 * The alert role (TOKENS.Service `alerts`, role `alert`): its options (`alerts` in the config,
 * validated now), and the evaluator over the serving layer's view reader (load servingLayerModule
 * too), the realtime store (states and lease), the batch engine, the log and the channels. The rules it runs
 * and their channels are checked against the pipeline and the channels at `validate` and `start`:
 * a rule not declared, or a channel unknown or that takes no alerts, is a `config` error.
 */
export function alertsModule(options: AlertOptions = {}, deps: AlertsModuleDeps = {}): ContainerModule {
  const resolved = parseAlertOptions(options)
  return new ContainerModule(({ bind }) => {
    const get = <T>(ctx: unknown, id: Token<T>): T => resolve(ctx as Resolver, id)
    bind(SERVING_TOKENS.AlertOptions).toConstantValue(resolved)
    const rules = (ctx: unknown) => enabledRules(get(ctx, TOKENS.Pipeline), resolved, get(ctx, TOKENS.Channels))
    bind(SERVING_TOKENS.AlertEvaluator)
      .toDynamicValue((ctx) => {
        const serving = get(ctx, SERVING_TOKENS.Options)
        const limits = { ...serving.limits, maxRangeMs: serving.limits.maxRangeDays * 86_400_000 }
        return new AlertEvaluator(
          {
            rules: rules(ctx),
            reader: new AlertReader(get(ctx, SERVING_TOKENS.ViewReader), limits),
            store: get(ctx, TOKENS.RealtimeStore),
            batch: get(ctx, TOKENS.BatchEngine),
            log: get(ctx, TOKENS.EventLog),
            channels: get(ctx, TOKENS.Channels),
            clock: get(ctx, TOKENS.Clock),
            logger: get(ctx, TOKENS.Logger),
            speedGroupId: serving.speedGroupId,
          },
          resolved,
        )
      })
      .inSingletonScope()
    bind(TOKENS.Service)
      .toDynamicValue(
        (ctx): ProcessService => ({
          name: 'alerts',
          roles: ['alert'],
          needs: [R.eventLog, R.batchEngine, R.realtimeStore, R.deadLetterQueue, R.channels],
          async validate() {
            rules(ctx)
          },
          async start() {
            const evaluator = get(ctx, SERVING_TOKENS.AlertEvaluator)
            if (deps.registry) {
              registerAlertMetrics(deps.registry, {
                evaluator,
                store: get(ctx, TOKENS.RealtimeStore),
                rules: rules(ctx),
                logger: get(ctx, TOKENS.Logger).child({ component: 'metrics' }),
              })
            }
            evaluator.start()
          },
          stop: () => get(ctx, SERVING_TOKENS.AlertEvaluator).stop(),
        }),
      )
      .inSingletonScope()
  })
}
