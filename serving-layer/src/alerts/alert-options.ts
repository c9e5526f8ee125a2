import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

/** One declared alert rule turned on, and where it notifies. */
const alertRuleSettingsSchema = z.strictObject({
  /** The channels (sinks, by name) its notifications go to; none: its states are kept and listed, nobody is told. @default [] */
  channels: z.array(z.string().min(1)).default([]),
})

/** Options of the alert role: `alerts` in the Twinflow config. */
export const alertOptionsSchema = z.strictObject({
  /**
   * The alert rules to evaluate, by the name they are declared with (`defineAlert`): a rule not
   * listed is off. @default {}
   */
  rules: z.record(z.string(), alertRuleSettingsSchema).default({}),
  /** How often the speed layer's progress is read to notice applied events, in ms. @default 100 */
  pollIntervalMs: z.int().min(10).max(60_000).default(100),
  /** How often the batch publications are read to notice a new version, in ms. @default 1000 */
  publicationPollMs: z.int().min(100).max(600_000).default(1000),
  /** Every rule is evaluated at least this often, new events or not (its range moves with time), in ms. @default 10000 */
  intervalMs: z.int().min(100).max(3_600_000).default(10_000),
  /**
   * The lease that makes one process of those running the `alert` role the one that evaluates and
   * notifies: renewed every third of it; another process takes over within it after the holder dies. @default 10000
   */
  leaseTtlMs: z.int().min(1000).max(600_000).default(10_000),
})

export type AlertOptions = z.input<typeof alertOptionsSchema>
export type ResolvedAlertOptions = z.output<typeof alertOptionsSchema>

/** Validates the alert role's options (`alerts`); a `config` error names each option to fix. */
export function parseAlertOptions(raw: unknown): ResolvedAlertOptions {
  return parseOptions(alertOptionsSchema, raw ?? {}, 'alerts')
}
