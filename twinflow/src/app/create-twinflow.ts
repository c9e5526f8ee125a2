import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Container, ContainerModule } from 'inversify'
import { collectDefaultMetrics, Registry } from 'prom-client'
import { pluginModule, PluginRegistry, systemClock, TOKENS, type Clock, type Logger, type Pipeline, type AnyTwinflowPlugin } from '@twinflow/core'
import { batchLayerModule } from '@twinflow/batch-layer'
import { speedLayerModule } from '@twinflow/speed-layer'
import { servingLayerModule } from '@twinflow/serving-layer'
import type { TwinflowConfig } from '../config/twinflow-config.ts'
import { TYPESCRIPT_LOADER_PRELOAD } from '../loader/register-typescript-loader.ts'
import { builtinPlugins } from './builtin-plugins.ts'
import { createPinoLogger } from './pino-logger.ts'
import { Twinflow } from './twinflow.ts'

export interface CreateTwinflowOptions {
  pipeline: Pipeline
  config: TwinflowConfig
  /** Third-party plugins, registered after the built-ins through the same registry. */
  plugins?: readonly AnyTwinflowPlugin[]
  clock?: Clock
  /** @default pino, JSON lines on stderr at `config.log.level` */
  logger?: Logger
}

/**
 * Builds a Twinflow process: registers the plugins, resolves every plugin the config names (an
 * unknown name or bad options fail here, before anything starts), and loads one ContainerModule
 * per runtime, source, sink and layer. The process's Prometheus registry is created here (with
 * Node's default metrics); every layer and role registers its metrics on it.
 */
export function createTwinflow(options: CreateTwinflowOptions): Twinflow {
  const { pipeline, config } = options
  const logger = options.logger ?? createPinoLogger({ level: config.log.level })
  const metrics = new Registry()
  collectDefaultMetrics({ register: metrics })
  const registry = new PluginRegistry().register(...builtinPlugins, ...(options.plugins ?? []))
  const container = new Container()
  container.load(
    new ContainerModule(({ bind }) => {
      bind(TOKENS.Pipeline).toConstantValue(pipeline)
      bind(TOKENS.Clock).toConstantValue(options.clock ?? systemClock)
      bind(TOKENS.Logger).toConstantValue(logger)
    }),
  )
  const { runtimes } = config
  const { port: _port, host: _host, ...servingOptions } = config.serving
  container.load(
    pluginModule(registry.get('event-log', runtimes.eventLog.plugin), runtimes.eventLog.options, 'runtimes.eventLog'),
    pluginModule(registry.get('clickhouse-driver', runtimes.clickhouse.plugin), runtimes.clickhouse.options, 'runtimes.clickhouse'),
    pluginModule(registry.get('realtime-store', runtimes.realtimeStore.plugin), runtimes.realtimeStore.options, 'runtimes.realtimeStore'),
    pluginModule(registry.get('dead-letter-queue', runtimes.deadLetterQueue.plugin), runtimes.deadLetterQueue.options, 'runtimes.deadLetterQueue'),
    pluginModule(registry.get('scheduler', runtimes.scheduler.plugin), runtimes.scheduler.options, 'runtimes.scheduler'),
    ...config.sources.map((s, i) => pluginModule(registry.get('source', s.plugin), s.options, `sources[${i}]`, s.name ?? `${s.plugin}-${i}`)),
    ...config.sinks.map((s, i) => pluginModule(registry.get('sink', s.plugin), s.options, `sinks[${i}]`, s.name ?? `${s.plugin}-${i}`)),
    batchLayerModule(config.batch),
    // The speed layer's fold threads import the pipeline from the module the config names, which
    // may be TypeScript: they register the CLI's loader first.
    speedLayerModule(config.speed, config.pipeline ? { pipelineModule: pathToFileURL(resolve(config.pipeline)).href, threadPreload: [TYPESCRIPT_LOADER_PRELOAD] } : {}),
    servingLayerModule({ ...servingOptions, speedGroupId: config.speed.groupId }, { registry: metrics }),
  )
  return new Twinflow(container, pipeline, config, logger, metrics)
}
