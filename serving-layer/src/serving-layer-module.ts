import { ContainerModule } from 'inversify'
import type { Registry } from 'prom-client'
import { resolve, RUNTIME_SERVICES as R, TOKENS, type AlertGroupState, type ProcessService, type ReportDef, type Resolver, type Token } from '@twinflow/core'
import type { ResolvedAlertOptions } from './alerts/alert-options.ts'
import { createAuthenticator } from './auth/create-authenticator.ts'
import { ServingMetrics } from './http/serving-metrics.ts'
import { ServingServer } from './http/serving-server.ts'
import { ChangeFeed } from './live/change-feed.ts'
import { InProcessAnswers } from './query/in-process-answers.ts'
import { BatchPartCache } from './read/batch-part-cache.ts'
import { ReadSession } from './read/read-session.ts'
import { FreshnessReads } from './read/freshness-reads.ts'
import { StreamStats } from './read/stream-stats.ts'
import { ViewReader } from './read/view-reader.ts'
import { buildSchema } from './schema/build-schema.ts'
import { parseServingLayerOptions, type ServingLayerOptions } from './serving-layer-options.ts'
import { SERVING_TOKENS } from './serving-tokens.ts'

export interface ServingLayerModuleDeps {
  /** The process's Prometheus registry, where the serving metrics go. */
  registry: Registry
  /** The channels a report is sent to, for `pipeline.reports` (the config may replace its declaration's). */
  reportChannels?: (report: ReportDef) => readonly string[]
}

/**
 * Binds the serving layer (singletons): the batch part cache, the view reader, the change feed of
 * subscriptions, the metrics, the authenticator and the GraphQL server. Options are validated now, so bad config
 * fails before anything starts: raw options from code, or the config's `serving` section, already
 * parsed (parsing it again gives it back). Needs TOKENS.Clock, Logger, Pipeline, BatchEngine, RealtimeStore,
 * EventLog and DeadLetterQueue.
 *
 * Its process service (TOKENS.Service): `graphql`, role `serve`: the GraphQL server at
 * `serving.path` on the process's HTTP server (the `graphql` endpoint), its metrics and the
 * subscriptions' change feed (stopped with it).
 */
export function servingLayerModule(options: ServingLayerOptions, deps: ServingLayerModuleDeps): ContainerModule {
  const resolved = parseServingLayerOptions(options)
  return new ContainerModule(({ bind }) => {
    const get = <T>(ctx: unknown, id: Token<T>): T => resolve(ctx as Resolver, id)
    bind(SERVING_TOKENS.Options).toConstantValue(resolved)
    bind(SERVING_TOKENS.BatchPartCache).toConstantValue(new BatchPartCache(resolved.cache))
    bind(SERVING_TOKENS.Metrics)
      .toDynamicValue((ctx) => new ServingMetrics(deps.registry, get(ctx, SERVING_TOKENS.BatchPartCache)))
      .inSingletonScope()
    bind(SERVING_TOKENS.ViewReader)
      .toDynamicValue((ctx) => {
        const metrics = get(ctx, SERVING_TOKENS.Metrics)
        return new ViewReader(get(ctx, TOKENS.Pipeline), get(ctx, TOKENS.BatchEngine), get(ctx, TOKENS.RealtimeStore), get(ctx, SERVING_TOKENS.BatchPartCache), {
          onRetry: (view) => metrics.readRetries.inc({ view }),
        })
      })
      .inSingletonScope()
    bind(SERVING_TOKENS.ChangeFeed)
      .toDynamicValue(
        (ctx) =>
          new ChangeFeed(
            {
              pipeline: get(ctx, TOKENS.Pipeline),
              realtime: get(ctx, TOKENS.RealtimeStore),
              batch: get(ctx, TOKENS.BatchEngine),
              clock: get(ctx, TOKENS.Clock),
              logger: get(ctx, TOKENS.Logger).child({ component: 'change-feed' }),
            },
            { pollIntervalMs: resolved.subscriptions.pollIntervalMs, speedGroupId: resolved.speedGroupId },
          ),
      )
      .inSingletonScope()
    bind(SERVING_TOKENS.Authenticator)
      .toDynamicValue((ctx) => createAuthenticator(resolved.auth, get(ctx, TOKENS.Pipeline)))
      .inSingletonScope()
    bind(SERVING_TOKENS.Server)
      .toDynamicValue((ctx) => {
        const pipeline = get(ctx, TOKENS.Pipeline)
        const metrics = get(ctx, SERVING_TOKENS.Metrics)
        const sessionDeps = {
          pipeline,
          reader: get(ctx, SERVING_TOKENS.ViewReader),
          batch: get(ctx, TOKENS.BatchEngine),
          realtime: get(ctx, TOKENS.RealtimeStore),
          log: get(ctx, TOKENS.EventLog),
          clock: get(ctx, TOKENS.Clock),
          speedGroupId: resolved.speedGroupId,
        }
        const freshnessReads = new FreshnessReads(sessionDeps)
        const newSession = () => new ReadSession({ ...sessionDeps, freshnessReads })
        const alertOptions = (ctx as unknown as { get<T>(id: symbol, o: { optional: true }): T | undefined }).get<ResolvedAlertOptions>(SERVING_TOKENS.AlertOptions, {
          optional: true,
        })
        const realtime = get(ctx, TOKENS.RealtimeStore)
        const schema = buildSchema({
          pipeline,
          alerts: {
            channels: (rule) => alertOptions?.rules[rule]?.channels ?? null,
            states: async () => (await realtime.readAlertStates()).map(({ value }) => JSON.parse(value) as AlertGroupState),
          },
          batch: sessionDeps.batch,
          deadLetters: get(ctx, TOKENS.DeadLetterQueue),
          feed: get(ctx, SERVING_TOKENS.ChangeFeed),
          streams: new StreamStats(sessionDeps),
          limits: { ...resolved.limits, maxRangeMs: resolved.limits.maxRangeDays * 86_400_000 },
          newSession,
          onViewRead: (view, form) => metrics.viewReads.inc({ view, form }),
          onSubscriptions: (delta) => metrics.subscriptions.inc(delta),
          ...(deps.reportChannels ? { reportChannels: deps.reportChannels } : {}),
        })
        return new ServingServer(
          {
            schema,
            logger: get(ctx, TOKENS.Logger).child({ layer: 'serving' }),
            metrics,
            clock: sessionDeps.clock,
            authenticator: get(ctx, SERVING_TOKENS.Authenticator),
            newSession,
          },
          resolved,
        )
      })
      .inSingletonScope()
    bind(SERVING_TOKENS.Answers)
      .toDynamicValue((ctx) => {
        const sessionDeps = {
          pipeline: get(ctx, TOKENS.Pipeline),
          reader: get(ctx, SERVING_TOKENS.ViewReader),
          batch: get(ctx, TOKENS.BatchEngine),
          realtime: get(ctx, TOKENS.RealtimeStore),
          log: get(ctx, TOKENS.EventLog),
          clock: get(ctx, TOKENS.Clock),
          speedGroupId: resolved.speedGroupId,
        }
        return new InProcessAnswers(sessionDeps.pipeline, { ...resolved.limits, maxRangeMs: resolved.limits.maxRangeDays * 86_400_000 }, () => new ReadSession(sessionDeps))
      })
      .inSingletonScope()
    bind(TOKENS.Service)
      .toDynamicValue((ctx): ProcessService => {
        const server = () => get(ctx, SERVING_TOKENS.Server)
        return {
          name: 'graphql',
          roles: ['serve'],
          needs: [R.eventLog, R.batchEngine, R.realtimeStore, R.deadLetterQueue],
          validate: () => server().ready(),
          async start(process) {
            get(ctx, SERVING_TOKENS.Metrics)
            const graphql = server()
            await graphql.ready()
            process.route(graphql.path, (req, res) => graphql.handle(req, res), 'graphql')
          },
          stop: () => get(ctx, SERVING_TOKENS.ChangeFeed).stop(),
        }
      })
      .inSingletonScope()
  })
}
