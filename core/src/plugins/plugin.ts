import type { ClickHouseDriver } from '../contracts/clickhouse-driver.ts'
import type { DeadLetterQueue } from '../contracts/dead-letter-queue.ts'
import type { EventLog } from '../contracts/event-log.ts'
import type { RealtimeStore } from '../contracts/realtime-store.ts'
import type { Scheduler } from '../contracts/scheduler.ts'
import type { Sink } from '../contracts/sink.ts'
import type { Source } from '../contracts/source.ts'
import type { Logger } from '../logging/logger.ts'
import type { Clock } from '../time/clock.ts'
import type { Pipeline } from '../view/define-pipeline.ts'

/** What each kind of plugin creates. One contract per plugin point. */
export interface PluginProducts {
  'event-log': EventLog
  'clickhouse-driver': ClickHouseDriver
  'realtime-store': RealtimeStore
  'dead-letter-queue': DeadLetterQueue
  scheduler: Scheduler
  source: Source
  sink: Sink
}
export type PluginKind = keyof PluginProducts

/** What a plugin's factory receives besides its options. */
export interface PluginContext {
  clock: Clock
  logger: Logger
  pipeline: Pipeline
  /** The name this instance has in the config (sources and sinks may appear several times). */
  instanceName: string
  /**
   * The process's data directory (absolute): where an embedded runtime keeps its state, in a
   * folder of its own named after it. A plugin that uses it says so (`usesDataDirectory`).
   */
  dataDir: string
  /**
   * The process's scheduler (the config's `runtimes.scheduler`), for a plugin that runs on a cron
   * schedule (a source polling an API). Resolved when called: a plugin that never calls it needs none.
   */
  scheduler(): Scheduler
}

/**
 * A Twinflow plugin: a named factory of one contract. Built-ins are plugins too, registered the
 * same way. Lifecycle of the product is the contract's (connect/start ... close/stop).
 */
export interface TwinflowPlugin<K extends PluginKind = PluginKind, O = unknown> {
  readonly kind: K
  /** Unique per kind; what the config names (`{ plugin: 'memory' }`). */
  readonly name: string
  readonly description: string
  /** Validates the options from the config; throws a `config` TwinflowError that says what to fix. */
  parseOptions(raw: unknown): O
  /**
   * Whether a product made with these options keeps state in the data directory. A process that
   * runs such a product holds the directory's lock while it runs (one process per directory).
   * @default never
   */
  usesDataDirectory?(options: O): boolean
  create(options: O, context: PluginContext): PluginProducts[K]
}

/**
 * A plugin of any kind and options: what registries and config files hold. Its options type is
 * both consumed (`create`) and produced (`parseOptions`), so no type narrower than `any` fits
 * every plugin; `definePlugin` checks each plugin against its own.
 */
// biome-ignore lint/suspicious/noExplicitAny: see above (an invariant type parameter)
export type AnyTwinflowPlugin = TwinflowPlugin<any, any>

/** Declares a plugin with its types checked. */
export function definePlugin<K extends PluginKind, O>(plugin: TwinflowPlugin<K, O>): TwinflowPlugin<K, O> {
  return plugin
}
