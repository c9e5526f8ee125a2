import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

const MiB = 1024 * 1024
const positive = z.number().positive().max(1e9)

/** Token buckets of the ingest route (HTTP 429 with `Retry-After` above them). */
export const httpRateLimitSchema = z
  .strictObject({
    /** One bucket per caller (its API key's name or its token's subject), or one for the stream. @default 'caller' */
    per: z.enum(['caller', 'stream']).default('caller'),
    /** Requests a second. */
    requestsPerSecond: positive.optional(),
    /** Events a second (a request's events are counted once it is read; a large one may go into debt, and the next requests wait). */
    eventsPerSecond: positive.optional(),
    /** Bursts of this many seconds' worth are allowed. @default 1 */
    burstSeconds: z.number().positive().max(3600).default(1),
  })
  .refine((r) => r.requestsPerSecond !== undefined || r.eventsPerSecond !== undefined, { error: 'give requestsPerSecond, eventsPerSecond or both' })

/** How retried requests are recognized (`Idempotency-Key`): their keys are kept in the source's checkpoint, in the log. */
export const httpIdempotencySchema = z.strictObject({
  /** How long a key is remembered after its request came, in ms. @default 3600000 (1 hour) */
  windowMs: z
    .int()
    .min(1000)
    .max(7 * 24 * 3_600_000)
    .default(3_600_000),
  /** Most keys remembered (the oldest are forgotten first). Each batch with a keyed request saves them all in its checkpoint (about 100 bytes a key). @default 5000 */
  maxKeys: z.int().min(1).max(100_000).default(5000),
})

/** Options of the `http` source plugin. */
export const httpSourceOptionsSchema = z
  .strictObject({
    /** The stream the events are for. */
    stream: z.string({ error: 'must name a stream of the pipeline' }).min(1, 'must name a stream of the pipeline'),
    /** Where the route is, on the process's HTTP server. @default '/ingest/<stream>' */
    path: z
      .string()
      .regex(/^\/[\w\-./]*[\w\-.]$/, 'must be a URL path such as /ingest/orders (no trailing "/")')
      .optional(),
    /** Largest request body in bytes; HTTP 413 above. @default 16777216 (16 MiB) */
    maxBodyBytes: z
      .int()
      .min(1024)
      .max(1024 * MiB)
      .default(16 * MiB),
    /**
     * Longest line, CSV record or JSON element in bytes: a longer one is a rejected input (its bytes
     * are skipped, not buffered). At most 1 MiB, the largest event a stream takes. @default 1048576 (1 MiB)
     */
    maxRecordBytes: z.int().min(64).max(MiB).default(MiB),
    /** Most events per log batch: requests that come while a batch is appended are coalesced into the next, up to this. @default 5000 */
    maxBatchEvents: z.int().min(1).max(1_000_000).default(5000),
    /**
     * Most bytes of input per log batch (a request over it is appended in several). Keep it under the
     * log's own limit: Kafka's `message.max.bytes` (1 MB by default) bounds each partition's share of a batch. @default 786432 (768 KiB)
     */
    maxBatchBytes: z
      .int()
      .min(1024)
      .max(256 * MiB)
      .default(768 * 1024),
    /** Bytes of requests waiting for the log, above which new requests are refused with 503 and `Retry-After: 1`. @default 67108864 (64 MiB) */
    maxQueuedBytes: z
      .int()
      .min(1024)
      .max(16 * 1024 * MiB)
      .default(64 * MiB),
    /**
     * Longest a request waits for its events to be durable in the log, in ms; then it is answered 503
     * with `Retry-After`, and while a batch has waited longer, new requests are answered 503 at once
     * (the log is unavailable). @default 10000
     */
    ackTimeoutMs: z.int().min(100).max(600_000).default(10_000),
    /** `Retry-After` of a 503 when the log is unavailable, in seconds. @default 5 */
    retryAfterSeconds: z.int().min(1).max(3600).default(5),
    /** Rate limits (429); none by default. */
    rateLimit: httpRateLimitSchema.optional(),
    idempotency: httpIdempotencySchema.prefault({}),
  })
  .refine((o) => o.maxQueuedBytes >= o.maxBodyBytes, { error: 'must be at least maxBodyBytes (a request that large could never be queued)', path: ['maxQueuedBytes'] })

export type HttpSourceOptionsInput = z.input<typeof httpSourceOptionsSchema>
export type HttpSourceOptions = z.output<typeof httpSourceOptionsSchema>

/** Validates the `http` source's options and fills in the defaults; messages name the option to fix. */
export function parseHttpSourceOptions(raw: unknown): HttpSourceOptions {
  return parseOptions(httpSourceOptionsSchema, raw ?? {})
}
