import { ContainerModule } from 'inversify'
import type { Registry } from 'prom-client'
import { resolve, RUNTIME_SERVICES as R, TOKENS, type ProcessService, type Resolver, type Token } from '@twinflow/core'
import { ReportMetrics } from './metrics/report-metrics.ts'
import { parseReportLayerOptions, type ReportLayerOptions } from './report-layer-options.ts'
import { REPORT_TOKENS } from './report-tokens.ts'
import { ReportRunner } from './run/report-runner.ts'
import { ReportSchedule } from './run/report-schedule.ts'
import { RuntimeReportRunLedger } from './run/runtime-report-run-ledger.ts'

export interface ReportLayerModuleDeps {
  /** The process's Prometheus registry, where the report role registers its metrics. Without it, none. */
  registry?: Registry
}

/**
 * The report layer's bindings (singletons): the run ledger (leases in the realtime store, records
 * in the batch engine), the runner and the schedule, and the `report` role's process service
 * (`reportSchedule`). Options (the config's `reports` section) are validated now. Needs
 * REPORT_TOKENS.ViewAnswers (bound by the assembly: the serving layer's answers), and
 * TOKENS.Pipeline, BatchEngine, RealtimeStore, Channels, Scheduler, Clock and Logger. The service needs the runtimes the answers read (event log, batch
 * engine, realtime store), the channels and the dead-letter queue their failures go to, and the
 * scheduler.
 */
export function reportLayerModule(options: ReportLayerOptions = {}, deps: ReportLayerModuleDeps = {}): ContainerModule {
  const resolved = parseReportLayerOptions(options)
  return new ContainerModule(({ bind }) => {
    const get = <T>(ctx: unknown, id: Token<T>): T => resolve(ctx as Resolver, id)
    const metrics = deps.registry ? new ReportMetrics(deps.registry) : null
    bind(REPORT_TOKENS.Options).toConstantValue(resolved)
    bind(REPORT_TOKENS.Ledger)
      .toDynamicValue((ctx) => new RuntimeReportRunLedger(get(ctx, TOKENS.RealtimeStore), get(ctx, TOKENS.BatchEngine), resolved))
      .inSingletonScope()
    bind(REPORT_TOKENS.Runner)
      .toDynamicValue(
        (ctx) =>
          new ReportRunner({
            pipeline: get(ctx, TOKENS.Pipeline),
            answers: get(ctx, REPORT_TOKENS.ViewAnswers),
            channels: get(ctx, TOKENS.Channels),
            ledger: get(ctx, REPORT_TOKENS.Ledger),
            clock: get(ctx, TOKENS.Clock),
            logger: get(ctx, TOKENS.Logger).child({ role: 'report' }),
            options: resolved,
            ...(metrics ? { onRun: (record) => metrics.ran(record), onSkip: (report, trigger) => metrics.skipped(report, trigger) } : {}),
          }),
      )
      .inSingletonScope()
    bind(REPORT_TOKENS.Schedule)
      .toDynamicValue(
        (ctx) =>
          new ReportSchedule({
            pipeline: get(ctx, TOKENS.Pipeline),
            runner: get(ctx, REPORT_TOKENS.Runner),
            scheduler: get(ctx, TOKENS.Scheduler),
            ledger: get(ctx, REPORT_TOKENS.Ledger),
            clock: get(ctx, TOKENS.Clock),
            logger: get(ctx, TOKENS.Logger).child({ role: 'report' }),
            options: resolved,
          }),
      )
      .inSingletonScope()
    bind(TOKENS.Service)
      .toDynamicValue((ctx): ProcessService => {
        const schedule = () => get(ctx, REPORT_TOKENS.Schedule)
        return {
          name: 'reportSchedule',
          roles: ['report'],
          needs: [R.eventLog, R.batchEngine, R.realtimeStore, R.deadLetterQueue, R.channels, R.scheduler],
          validate: async () => schedule().validate(),
          start: () => schedule().start(),
          stop: () => schedule().stop(),
        }
      })
      .inSingletonScope()
  })
}
