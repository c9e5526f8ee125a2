import { ContainerModule } from 'inversify'
import { TwinflowError } from '../errors/twinflow-error.ts'
import type { PluginKind, PluginProducts, TwinflowPlugin } from '../plugins/plugin.ts'
import { resolve, type Resolver, type Token } from './token.ts'
import { TOKENS } from './tokens.ts'

const KIND_TOKENS: { [K in PluginKind]: Token<PluginProducts[K]> } = {
  'event-log': TOKENS.EventLog,
  'clickhouse-driver': TOKENS.ClickHouseDriver,
  'realtime-store': TOKENS.RealtimeStore,
  'dead-letter-queue': TOKENS.DeadLetterQueue,
  scheduler: TOKENS.Scheduler,
  source: TOKENS.Source,
  sink: TOKENS.Sink,
}

/** The token a plugin kind binds. */
export function tokenOfKind<K extends PluginKind>(kind: K): Token<PluginProducts[K]> {
  return KIND_TOKENS[kind]
}

/**
 * The ContainerModule that binds a plugin's product to its kind's token (a singleton; sources and
 * sinks are multi-bindings). Options are validated now, so bad config fails at start; `where`
 * says which part of the config to fix.
 */
export function pluginModule<K extends PluginKind>(plugin: TwinflowPlugin<K, unknown>, rawOptions: unknown, where: string, instanceName: string = plugin.name): ContainerModule {
  let options: unknown
  try {
    options = plugin.parseOptions(rawOptions ?? {})
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error)
    throw new TwinflowError('config', `${where} (${plugin.kind} plugin "${plugin.name}"): ${detail}`, { cause: error })
  }
  return new ContainerModule(({ bind }) => {
    bind(KIND_TOKENS[plugin.kind])
      .toDynamicValue((ctx) => {
        const r = ctx as unknown as Resolver
        return plugin.create(options, {
          clock: resolve(r, TOKENS.Clock),
          logger: resolve(r, TOKENS.Logger).child({ plugin: `${plugin.kind}/${plugin.name}`, instance: instanceName }),
          pipeline: resolve(r, TOKENS.Pipeline),
          instanceName,
          dataDir: resolve(r, TOKENS.DataDirectory),
          scheduler: () => resolve(r, TOKENS.Scheduler),
        })
      })
      .inSingletonScope()
  })
}
