import { TwinflowError } from '@twinflow/core'
import { ARCHIVER_DEFAULTS, type ArchiverOptions, type ResolvedArchiverOptions } from '../archiver/archiver-options.ts'
import { BATCH_RUNNER_DEFAULTS, type BatchRunnerOptions, type ResolvedBatchRunnerOptions } from '../runner/batch-runner-options.ts'

/** Options of the batch layer (`batch` in the Twinflow config). */
export interface BatchLayerOptions {
  /** Cron expression of the batch runs of every view, in UTC (5 fields, or 6 with seconds first). @default '* * * * *' */
  schedule?: string
  /** The archiver, which copies the log into the master tables. */
  archiver?: ArchiverOptions
  /** The batch runner, which recomputes and publishes the views. */
  runner?: BatchRunnerOptions
}

export interface ResolvedBatchLayerOptions {
  schedule: string
  archiver: ResolvedArchiverOptions
  runner: ResolvedBatchRunnerOptions
}

type Spec<T> = { [K in keyof T]-?: { kind: 'string' | 'integer'; min?: number } }

const ARCHIVER_SPEC: Spec<ArchiverOptions> = {
  groupId: { kind: 'string' },
  maxBatchSize: { kind: 'integer', min: 1 },
  retries: { kind: 'integer', min: 0 },
  initialRetryDelayMs: { kind: 'integer', min: 0 },
}
const RUNNER_SPEC: Spec<BatchRunnerOptions> = {
  keepVersions: { kind: 'integer', min: 1 },
  retries: { kind: 'integer', min: 0 },
  initialRetryDelayMs: { kind: 'integer', min: 0 },
  waitTimeoutMs: { kind: 'integer', min: 0 },
  pollIntervalMs: { kind: 'integer', min: 1 },
}

/** Validates the batch layer's options and fills in the defaults; a `config` error says what to fix. */
export function parseBatchLayerOptions(raw: unknown): ResolvedBatchLayerOptions {
  const top = object(raw, 'batch', ['schedule', 'archiver', 'runner'])
  const schedule = top.schedule ?? '* * * * *'
  if (typeof schedule !== 'string' || schedule.trim() === '') fail('batch.schedule', 'a cron expression such as "* * * * *"', schedule)
  return {
    schedule,
    archiver: section(top.archiver, 'batch.archiver', ARCHIVER_SPEC, ARCHIVER_DEFAULTS),
    runner: section(top.runner, 'batch.runner', RUNNER_SPEC, BATCH_RUNNER_DEFAULTS),
  }
}

function section<T extends object>(raw: unknown, where: string, spec: Spec<T>, defaults: Required<T>): Required<T> {
  const input = object(raw, where, Object.keys(spec))
  const out: Record<string, unknown> = { ...defaults }
  for (const [key, rule] of Object.entries(spec) as [string, { kind: 'string' | 'integer'; min?: number }][]) {
    const value = input[key]
    if (value === undefined) continue
    if (rule.kind === 'string' && (typeof value !== 'string' || value.trim() === '')) fail(`${where}.${key}`, 'a non-empty string', value)
    if (rule.kind === 'integer' && (typeof value !== 'number' || !Number.isSafeInteger(value) || value < (rule.min ?? 0))) {
      fail(`${where}.${key}`, `an integer >= ${rule.min ?? 0}`, value)
    }
    out[key] = value
  }
  return out as Required<T>
}

function object(raw: unknown, where: string, known: readonly string[]): Record<string, unknown> {
  if (raw === undefined || raw === null) return {}
  if (typeof raw !== 'object' || Array.isArray(raw)) fail(where, 'an object', raw)
  for (const key of Object.keys(raw as object)) {
    if (!known.includes(key)) throw new TwinflowError('config', `${where}: unknown option "${key}"; known options: ${known.join(', ')}`)
  }
  return raw as Record<string, unknown>
}

function fail(where: string, expected: string, got: unknown): never {
  throw new TwinflowError('config', `${where} must be ${expected}, got ${JSON.stringify(got) ?? typeof got}`)
}
