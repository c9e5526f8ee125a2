import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

const count = (fallback: number) => z.number().min(0).default(fallback)

/** Options of the `generator` source plugin. */
export const generatorOptionsSchema = z.strictObject({
  /** The stream to generate events for. */
  stream: z.string({ error: 'must name a stream of the pipeline' }).min(1, 'must name a stream of the pipeline'),
  /** Live events per second after the backfill. @default 50 */
  ratePerSecond: count(50),
  /** Events spread over the past, generated first (so that the batch layer has history). @default 20000 */
  backfillEvents: count(20_000),
  /** How far back the backfill reaches, in hours. @default 6 */
  backfillHours: count(6),
  /** Distinct values per string field. @default 6 */
  cardinality: count(6),
  /** Fraction of generated payloads that are invalid (to see the dead-letter path). @default 0 */
  invalidRatio: z.number().min(0).max(1).default(0),
  /** Stop after this many events (backfill included). @default unlimited */
  maxEvents: count(Number.POSITIVE_INFINITY),
  /** @default 1 */
  seed: count(1),
})

export type GeneratorOptionsInput = z.input<typeof generatorOptionsSchema>
export type GeneratorOptions = z.output<typeof generatorOptionsSchema>

/** Validates generator options and fills in the defaults; messages name the option to fix. */
export function parseGeneratorOptions(raw: unknown): GeneratorOptions {
  return parseOptions(generatorOptionsSchema, raw ?? {})
}
