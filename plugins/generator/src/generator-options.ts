import { TwinflowError } from '@twinflow/core'

export interface GeneratorOptions {
  /** The stream to generate events for. */
  stream: string
  /** Live events per second after the backfill. @default 50 */
  ratePerSecond: number
  /** Events spread over the past, generated first (so that the batch layer has history). @default 20000 */
  backfillEvents: number
  /** How far back the backfill reaches, in hours. @default 6 */
  backfillHours: number
  /** Distinct values per string field. @default 6 */
  cardinality: number
  /** Fraction of generated payloads that are invalid (to see the dead-letter path). @default 0 */
  invalidRatio: number
  /** Stop after this many events (backfill included). @default unlimited */
  maxEvents: number
  /** @default 1 */
  seed: number
}

const DEFAULTS: Omit<GeneratorOptions, 'stream'> = {
  ratePerSecond: 50,
  backfillEvents: 20_000,
  backfillHours: 6,
  cardinality: 6,
  invalidRatio: 0,
  maxEvents: Number.POSITIVE_INFINITY,
  seed: 1,
}

/** Validates generator options; messages name the option to fix. */
export function parseGeneratorOptions(raw: unknown): GeneratorOptions {
  if (typeof raw !== 'object' || raw === null) throw new TwinflowError('config', 'options must be an object with at least { stream }')
  const input = raw as Record<string, unknown>
  if (typeof input.stream !== 'string' || input.stream === '') throw new TwinflowError('config', 'options.stream must name a stream of the pipeline')
  const out: GeneratorOptions = { ...DEFAULTS, stream: input.stream }
  for (const key of Object.keys(input)) {
    if (key === 'stream') continue
    if (!(key in DEFAULTS)) throw new TwinflowError('config', `unknown option "${key}"; known: stream, ${Object.keys(DEFAULTS).join(', ')}`)
    const value = input[key]
    if (typeof value !== 'number' || Number.isNaN(value) || value < 0) throw new TwinflowError('config', `option "${key}" must be a non-negative number`)
    if (key === 'invalidRatio' && value > 1) throw new TwinflowError('config', 'option "invalidRatio" must be between 0 and 1')
    ;(out as unknown as Record<string, number>)[key] = value
  }
  return out
}
