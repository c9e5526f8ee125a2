import { z } from 'zod'
import { deliveryOptionsSchema, notificationKindsSchema } from '@twinflow/core'
import { batchLayerOptionsSchema } from '@twinflow/batch-layer'
import { alertOptionsSchema, servingLayerOptionsSchema } from '@twinflow/serving-layer'
import { speedLayerOptionsSchema } from '@twinflow/speed-layer'
import { reportLayerOptionsSchema } from '@twinflow/report-layer'

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

/** A source: a plugin instance, and the field mapping of its records to its stream's events (see core's FieldMapping), applied by ingest. */
const sourceRef = pluginRef.extend({
  /** rename, constants, drop, timestamps, strict: checked against the stream at start. */
  mapping: z.unknown().optional(),
})
/** A sink: a notification channel, with what it takes and how it is delivered to. */
const sinkRef = pluginRef
  .extend({
    /** The notification kinds this channel takes (`view-changes`, `alert`, `report`). @default every kind its plugin delivers */
    kinds: notificationKindsSchema.optional(),
    /** Retries, backoff and the timeout of one attempt; after the last attempt, the dead-letter queue. */
    delivery: deliveryOptionsSchema.prefault({}),
  })
  .strict()

/**
 * The `serving` section: the process's HTTP server, and the serving layer's options but for
 * `speedGroupId`, which is the speed section's `groupId`.
 */
const servingSection = servingLayerOptionsSchema.omit({ speedGroupId: true }).extend({
  /** Port of the process's HTTP server (GraphQL for the serve role, and the ops endpoints unless `ops.port`); TWINFLOW_PORT overrides it. @default 4000 */
  port: z.int().min(0).max(65535).default(4000),
  /** @default '127.0.0.1' */
  host: z.string().min(1).default('127.0.0.1'),
})

/** A Twinflow deployment: which runtimes, sources and sinks, and the layers' settings. */
export const twinflowConfigSchema = z
  .object({
    /**
     * Module that exports the pipeline (`export const pipeline = definePipeline(...)` or default).
     * Relative to the config file (to the working directory for a config given in code). The speed
     * layer's fold threads import it (see `speed.foldThreads`).
     */
    pipeline: z.string().min(1).optional(),
    /** Modules exporting third-party plugins (default export: a plugin or an array of plugins): paths relative to the config file, or package names. */
    plugins: z.array(z.string().min(1)).default([]),
    /**
     * The runtime of each role's contract. A runtime left out gets its embedded default (see
     * EMBEDDED_RUNTIMES): in-process log, store and dead-letter queue, chdb in the data directory.
     */
    runtimes: z
      .object({
        eventLog: pluginRef.optional(),
        clickhouse: pluginRef.optional(),
        realtimeStore: pluginRef.optional(),
        deadLetterQueue: pluginRef.optional(),
        scheduler: pluginRef.optional(),
      })
      .strict()
      .default({}),
    /**
     * Where embedded runtimes keep their data (relative to the config file); the process that uses
     * it holds a lock on it. TWINFLOW_DATA_DIR overrides it. @default '.twinflow'
     */
    dataDir: z.string().min(1).optional(),
    sources: z.array(sourceRef).default([]),
    /** Notification channels: view changes (the speed layer's), alert events, reports. */
    sinks: z.array(sinkRef).default([]),
    topics: z
      .object({ partitions: z.number().int().min(1).max(1024).default(4) })
      .strict()
      .default({ partitions: 4 }),
    /** Options of the batch layer (batch-layer's batchLayerOptionsSchema). */
    batch: batchLayerOptionsSchema.prefault({}),
    /** Options of the speed layer (speed-layer's speedLayerOptionsSchema). */
    speed: speedLayerOptionsSchema.prefault({}),
    /** The reports' channels and runs (report-layer's reportLayerOptionsSchema). */
    reports: reportLayerOptionsSchema.prefault({}),
    /** The process's HTTP server (GraphQL for the serve role; /healthz, /readyz, /metrics for every role) and the GraphQL API. */
    serving: servingSection.prefault({}),
    /** The alert role: which declared alert rules run, the channels each notifies, how often they are evaluated. */
    alerts: alertOptionsSchema.prefault({}),
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
    /**
     * The masking of personal fields (`t.string().pii(...)`): `secret` keys the hash of `pii('hash')`
     * fields (required when a stream has one; at least 16 characters; write it as an environment
     * variable, `"\${TWINFLOW_PII_SECRET}"`, not in the file). Changing it changes every hash.
     */
    pii: z
      .object({ secret: z.string().min(16, 'pii.secret must be at least 16 characters long: use a long random value').optional() })
      .strict()
      .default({}),
    log: z
      .object({ level: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info') })
      .strict()
      .default({ level: 'info' }),
  })
  .strict()

export type ParsedConfig = z.output<typeof twinflowConfigSchema>
export type TwinflowConfigInput = z.input<typeof twinflowConfigSchema>
export type PluginRef = z.output<typeof pluginRef>
export type SinkRef = z.output<typeof sinkRef>
export type RuntimeName = keyof ParsedConfig['runtimes']

/** A config with every runtime chosen (embedded defaults filled in) and the data directory resolved. */
export type TwinflowConfig = Omit<ParsedConfig, 'runtimes' | 'dataDir'> & {
  runtimes: Record<RuntimeName, PluginRef>
  /** The runtimes the config left out, which got their embedded default. */
  defaultedRuntimes: RuntimeName[]
  /** Absolute data directory of embedded runtimes. */
  dataDir: string
}
