import { ContainerModule, type ResolutionContext } from 'inversify'
import type { Registry } from 'prom-client'
import { resolve, RUNTIME_SERVICES as R, TOKENS, type ProcessService, type Resolver, type Sink, type Token } from '@twinflow/core'
import { registerChannelMetrics } from './metrics/channel-metrics.ts'

export interface RuntimeServicesSettings {
  /** Partitions of each stream's topic, created when the event log connects. */
  partitions: number
  /** The speed layer's consumer group, whose progress the realtime store's readiness check reads. */
  speedGroupId: string
  /** The process's Prometheus registry: the channels' metrics go there. */
  registry: Registry
}

/**
 * The process services (TOKENS.Service) that connect the configured runtimes, named as
 * RUNTIME_SERVICES says; none has a role of its own: each runs when a running service needs it.
 * - `eventLog`: connects the log and creates each stream's topic; readiness `eventLog`;
 * - `clickhouse`: connects the driver (the batch layer's `batchEngine` starts over it);
 * - `realtimeStore`: starts the store; readiness `realtimeStore`;
 * - `deadLetterQueue`: connects the queue;
 * - `scheduler`: nothing to connect (its tasks belong to who schedules them);
 * - `channels`: checks the channels' settings (TOKENS.Channels), registers their metrics and
 *   connects every configured sink (one that fails to is logged: its deliveries connect again),
 *   closing them in reverse order.
 */
export function runtimeServicesModule(settings: RuntimeServicesSettings): ContainerModule {
  return new ContainerModule(({ bind }) => {
    const service = (make: (get: <T>(id: Token<T>) => T, ctx: ResolutionContext) => ProcessService) =>
      bind(TOKENS.Service)
        .toDynamicValue((ctx) => make((id) => resolve(ctx as unknown as Resolver, id), ctx))
        .inSingletonScope()
    service((get) => ({
      name: R.eventLog,
      roles: [],
      needs: [],
      async start(process) {
        const log = get(TOKENS.EventLog)
        const { streams } = get(TOKENS.Pipeline)
        await log.connect()
        try {
          for (const stream of streams) await log.createTopic(stream.topic, settings.partitions)
        } catch (error) {
          await log.close().catch(() => {})
          throw error
        }
        const first = streams[0]?.topic
        if (first) process.readiness('eventLog', () => log.endOffsets(first))
      },
      stop: () => get(TOKENS.EventLog).close(),
    }))
    service((get) => ({
      name: R.clickhouse,
      roles: [],
      needs: [],
      start: () => get(TOKENS.ClickHouseDriver).connect(),
      stop: () => get(TOKENS.ClickHouseDriver).close(),
    }))
    service((get) => ({
      name: R.realtimeStore,
      roles: [],
      needs: [],
      async start(process) {
        const store = get(TOKENS.RealtimeStore)
        const pipeline = get(TOKENS.Pipeline)
        await store.start(pipeline)
        const first = pipeline.streams[0]?.topic
        if (first) process.readiness('realtimeStore', () => store.progress(settings.speedGroupId, first))
      },
      stop: () => get(TOKENS.RealtimeStore).stop(),
    }))
    service((get) => ({
      name: R.deadLetterQueue,
      roles: [],
      needs: [],
      start: () => get(TOKENS.DeadLetterQueue).connect(),
      stop: () => get(TOKENS.DeadLetterQueue).close(),
    }))
    service(() => ({ name: R.scheduler, roles: [], needs: [], start: async () => {}, stop: async () => {} }))
    service((get, ctx) => {
      const sinks = () => ctx.getAll<Sink>(TOKENS.Sink, { optional: true })
      const connected: { close(): Promise<void> }[] = []
      return {
        name: R.channels,
        roles: [],
        needs: [],
        async validate() {
          get(TOKENS.Channels)
        },
        async start() {
          registerChannelMetrics(settings.registry, get(TOKENS.Channels))
          // A channel that cannot connect now does not stop the process: its deliveries connect again
          // (retried, then dead-lettered, like any failed delivery).
          const logger = get(TOKENS.Logger).child({ component: 'channels' })
          for (const sink of sinks()) {
            await sink.connect().catch((error: unknown) => logger.warn('a channel cannot connect; its deliveries will try again', { channel: sink.name, error }))
            connected.push(sink)
          }
        },
        async stop() {
          const failures: unknown[] = []
          while (connected.length > 0)
            await connected
              .pop()!
              .close()
              .catch((error: unknown) => failures.push(error))
          if (failures.length > 0) throw new AggregateError(failures, 'some sinks did not close cleanly')
        },
      }
    })
  })
}
