import { resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Container, ContainerModule } from 'inversify'
import { collectDefaultMetrics, Registry } from 'prom-client'
import {
  channelsModule,
  defaultChannelSettings,
  pluginModule,
  PiiMasking,
  PluginRegistry,
  systemClock,
  TOKENS,
  type AnyTwinflowPlugin,
  type Clock,
  type Logger,
  type Pipeline,
  type PluginKind,
} from '@twinflow/core'
import { batchLayerModule } from '@twinflow/batch-layer'
import { speedLayerModule } from '@twinflow/speed-layer'
import { alertsModule, SERVING_TOKENS, servingLayerModule } from '@twinflow/serving-layer'
import { REPORT_TOKENS, reportLayerModule } from '@twinflow/report-layer'
import type { PluginRef, RuntimeName, TwinflowConfig } from '../config/twinflow-config.ts'
import { TYPESCRIPT_LOADER_PRELOAD } from '../loader/register-typescript-loader.ts'
import { ingestModule } from '../ingest/ingest-module.ts'
import { sourceMappings } from './source-mappings.ts'
import { DASHBOARD_PATH, dashboardModule } from './dashboard-module.ts'
import { builtinPlugins } from './builtin-plugins.ts'
import { runtimeServicesModule } from './runtime-services-module.ts'
import { createPinoLogger } from './pino-logger.ts'
import { Twinflow } from './twinflow.ts'

const RUNTIME_KINDS = {
  eventLog: 'event-log',
  clickhouse: 'clickhouse-driver',
  realtimeStore: 'realtime-store',
  deadLetterQueue: 'dead-letter-queue',
  scheduler: 'scheduler',
} as const satisfies Record<RuntimeName, PluginKind>

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
 * per runtime, source, sink and layer, with the process services of each (their roles are the
 * process's roles). The process's Prometheus registry is created here (with Node's default
 * metrics); every layer and role registers its metrics on it.
 */
export function createTwinflow(options: CreateTwinflowOptions): Twinflow {
  const { pipeline, config } = options
  const logger = options.logger ?? createPinoLogger({ level: config.log.level })
  const metrics = new Registry()
  collectDefaultMetrics({ register: metrics })
  const registry = new PluginRegistry().register(...builtinPlugins, ...(options.plugins ?? []))
  // A stream hashing a personal field without pii.secret fails here, before anything starts.
  const masking = new PiiMasking(pipeline.streams, config.pii.secret ?? null)
  const container = new Container()
  container.load(
    new ContainerModule(({ bind }) => {
      bind(TOKENS.Pipeline).toConstantValue(pipeline)
      bind(TOKENS.DataDirectory).toConstantValue(config.dataDir)
      bind(TOKENS.Clock).toConstantValue(options.clock ?? systemClock)
      bind(TOKENS.Logger).toConstantValue(logger)
      bind(TOKENS.PiiMasking).toConstantValue(masking)
    }),
  )
  const { runtimes } = config
  const { port: _port, host: _host, ...servingOptions } = config.serving
  // Every plugin the config names, resolved now: an unknown name or bad options fail here.
  const configured = [
    ...(Object.entries(runtimes) as [string, PluginRef][]).map(([name, ref]) => ({
      ref,
      kind: RUNTIME_KINDS[name as RuntimeName],
      where: `runtimes.${name}`,
      instance: undefined,
    })),
    ...config.sources.map((ref, i) => ({ ref, kind: 'source' as const, where: `sources[${i}]`, instance: ref.name ?? `${ref.plugin}-${i}` })),
    ...config.sinks.map((ref, i) => ({ ref, kind: 'sink' as const, where: `sinks[${i}]`, instance: ref.name ?? `${ref.plugin}-${i}` })),
  ].map((c) => ({ ...c, plugin: registry.get(c.kind, c.ref.plugin) }))
  const sinkRefs = new Map(config.sinks.map((ref, i) => [ref.name ?? `${ref.plugin}-${i}`, { ref, where: `sinks[${i}]` }]))
  container.load(
    ...configured.map((c) => pluginModule(c.plugin, c.ref.options, c.where, c.instance)),
    // The process's services, each with its roles: the order of the roles' names (`twinflow.roles`).
    channelsModule((sink) => {
      const configuredAs = sinkRefs.get(sink.name)
      return configuredAs ? { kinds: configuredAs.ref.kinds ?? sink.accepts, delivery: configuredAs.ref.delivery, where: configuredAs.where } : defaultChannelSettings(sink)
    }),
    runtimeServicesModule({ partitions: config.topics.partitions, speedGroupId: config.speed.groupId, registry: metrics }),
    ingestModule({
      mappings: sourceMappings(config),
      reservedPaths: new Map([
        [config.serving.path, 'GraphQL'],
        [DASHBOARD_PATH, 'the dashboard'],
        [`${DASHBOARD_PATH}/`, 'the dashboard'],
        ['/healthz', 'ops'],
        ['/readyz', 'ops'],
        ['/metrics', 'ops'],
      ]),
    }),
    batchLayerModule(config.batch, { registry: metrics }),
    // The speed layer's fold threads import the pipeline from the module the config names, which
    // may be TypeScript: they register the CLI's loader first.
    speedLayerModule(config.speed, {
      registry: metrics,
      ...(config.pipeline ? { pipelineModule: pathToFileURL(resolve(config.pipeline)).href, threadPreload: [TYPESCRIPT_LOADER_PRELOAD] } : {}),
    }),
    servingLayerModule(
      { ...servingOptions, speedGroupId: config.speed.groupId },
      { registry: metrics, reportChannels: (report) => config.reports.channels[report.name] ?? report.channels },
    ),
    // Reports read the views through the serving layer's answers, as the API does.
    new ContainerModule(({ bind }) => void bind(REPORT_TOKENS.ViewAnswers).toService(SERVING_TOKENS.Answers)),
    reportLayerModule(config.reports, { registry: metrics }),
    alertsModule(config.alerts, { registry: metrics }),
    dashboardModule(),
  )
  // pluginModule validated the options above; parsing them again here is pure.
  const dataDirectoryUsers = configured.filter((c) => c.plugin.usesDataDirectory?.(c.plugin.parseOptions(c.ref.options ?? {}))).map((c) => c.where)
  return new Twinflow(container, pipeline, config, logger, metrics, dataDirectoryUsers)
}
