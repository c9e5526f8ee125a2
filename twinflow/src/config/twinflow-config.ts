import { z } from 'zod'
import { servingSchema } from './serving-schema'

const pluginRef = z
  .object({
    /** Registered plugin name, e.g. `memory`, `chdb`, `kafka`. */
    plugin: z.string().min(1),
    /** Instance name (sources and sinks); defaults to `<plugin>-<index>`. */
    name: z.string().min(1).optional(),
    /** Options validated by the plugin itself. */
    options: z.unknown().optional(),
  })
  .strict()

/** A Twinflow deployment: which runtimes, sources and sinks, and the layers' settings. */
export const twinflowConfigSchema = z
  .object({
    /**
     * Module that exports the pipeline (`export const pipeline = definePipeline(...)` or default).
     * Relative to the config file (to the working directory for a config given in code). The speed
     * layer's fold threads import it (see `speed.foldThreads`).
     */
    pipeline: z.string().min(1).optional(),
    /** Modules exporting third-party plugins (default export: a plugin or an array of plugins). Relative to the config file. */
    plugins: z.array(z.string().min(1)).default([]),
    runtimes: z
      .object({
        eventLog: pluginRef,
        clickhouse: pluginRef,
        realtimeStore: pluginRef,
        deadLetterQueue: pluginRef,
        scheduler: pluginRef,
      })
      .strict(),
    sources: z.array(pluginRef).default([]),
    sinks: z.array(pluginRef).default([]),
    topics: z.object({ partitions: z.number().int().min(1).max(1024).default(4) }).strict().default({ partitions: 4 }),
    /** Options of the batch layer (see batch-layer's BatchLayerOptions). */
    batch: z.record(z.string(), z.unknown()).default({}),
    /** Options of the speed layer (see speed-layer's SpeedLayerOptions). */
    speed: z.record(z.string(), z.unknown()).default({}),
    /** The process's HTTP server (GraphQL for the serve role; /healthz, /readyz, /metrics for every role) and the GraphQL API. */
    serving: servingSchema,
    /** Where the operations endpoints listen: by default on the serving port; with `port`, on their own server. */
    ops: z
      .object({
        port: z.number().int().min(0).max(65535).optional(),
        host: z.string().min(1).default('127.0.0.1'),
        /** How long each runtime may take to answer a readiness check. */
        readinessTimeoutMs: z.number().int().min(1).max(60_000).default(2000),
      })
      .strict()
      .prefault({}),
    log: z
      .object({ level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict()

export type TwinflowConfig = z.output<typeof twinflowConfigSchema>
export type TwinflowConfigInput = z.input<typeof twinflowConfigSchema>
