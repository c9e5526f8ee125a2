import { parseOptions } from '@twinflow/core'
import { z } from 'zod'
import { compileJsonPath } from './json-path.ts'

const jsonPath = z.string().superRefine((text, ctx) => {
  try {
    compileJsonPath(text)
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: (error as Error).message })
  }
})
const name = z.string().min(1)

/** How the API pages its answers. */
export const paginationSchema = z.discriminatedUnion('type', [
  /** One request per poll. */
  z.strictObject({ type: z.literal('none') }),
  /**
   * A next token in the body, at `path` (`meta.next_cursor`); sent back as the query parameter
   * `param`, or, without `param`, the token is the next page's URL. No token (null, '', missing): the last page.
   */
  z.strictObject({ type: z.literal('cursor'), path: jsonPath, param: name.optional() }),
  /** The `Link` header's `rel="next"` URL (RFC 8288); none: the last page. */
  z.strictObject({ type: z.literal('link') }),
  /**
   * Page numbers in the query parameter `param`, from `start`; `size` records per page in
   * `sizeParam` if given. A page with no record (or fewer than `size`) is the last.
   */
  z.strictObject({
    type: z.literal('page'),
    param: name.default('page'),
    start: z.int().min(0).default(1),
    sizeParam: name.optional(),
    size: z.int().min(1).optional(),
  }),
])

/** Options of the `http-poll` source plugin. */
export const httpPollOptionsSchema = z
  .strictObject({
    /** The stream the API's records are events of. */
    stream: z.string({ error: 'must name a stream of the pipeline' }).min(1, 'must name a stream of the pipeline'),
    /** The API's URL (http or https), with a query string if it takes fixed parameters. */
    url: z.url({ protocol: /^https?$/, error: 'must be an http or https URL' }),
    /**
     * Request headers (an API key, `Authorization: Bearer ...`). In a config file, write secrets
     * as `${ENV_VAR}`: the CLI fills them in from the environment when it reads the file.
     */
    headers: z.record(z.string(), z.string()).default({}),
    /** Query parameters added to the URL. */
    query: z.record(z.string(), z.string()).default({}),
    /** Where the records are in a page's JSON: `$` (the body is the array), `data.items`, `$.results[0].rows`. @default '$' */
    recordsPath: jsonPath.default('$'),
    /** Poll every so many ms (the first poll at once). @default 60000 unless `cron` */
    intervalMs: z
      .int()
      .min(100)
      .max(7 * 86_400_000)
      .optional(),
    /** Poll on this cron schedule instead (through the process's scheduler, `runtimes.scheduler`). */
    cron: z.string().min(1).optional(),
    pagination: paginationSchema.default({ type: 'none' }),
    /**
     * Incremental polling by a cursor field of the records (an `updated_at`, an increasing id):
     * each poll asks for records at or after the highest value delivered so far (the query
     * parameter `param`, e.g. `updated_since`; the API must include that value: `>=`), and the
     * records it delivered at that value (by `key`, default the whole record) are not delivered again.
     * The pages of a poll must hold still: records added meanwhile come after those given.
     */
    incremental: z
      .strictObject({
        field: jsonPath,
        param: name,
        /** The record's identity among those with the same cursor value (`id`). @default the record's whole JSON */
        key: jsonPath.optional(),
        /** The first poll's value of `param`. @default none: the first poll asks without it */
        initial: z.string().min(1).optional(),
        /** Keys remembered at the highest value (they go in the checkpoint); past it, records sharing that value may come again. @default 1000 */
        maxKeys: z.int().min(1).max(100_000).default(1000),
      })
      .optional(),
    /**
     * Conditional requests: the first request of a poll sends the previous poll's `ETag`
     * (`If-None-Match`) and `Last-Modified` (`If-Modified-Since`); a 304 ends the poll with
     * nothing new. Only right if the first page changes whenever any page does. @default true without pagination, false with it
     */
    conditional: z.boolean().optional(),
    /** Requests per second, at most (pages and retries included). @default 5 */
    maxRequestsPerSecond: z.number().positive().max(10_000).default(5),
    /** Per request, until the whole body is read. @default 30000 */
    timeoutMs: z.int().min(100).max(600_000).default(30_000),
    /** Attempts after the first, for a network error, a timeout, a 408, 425, 429 or 5xx, or a body that is not JSON or has no array at `recordsPath`. @default 5 */
    retries: z.int().min(0).max(100).default(5),
    /** The first backoff; each next one doubles (±20 %). @default 500 */
    initialBackoffMs: z.int().min(1).max(3_600_000).default(500),
    /** The longest backoff, and the most of a `Retry-After` honoured. @default 300000 */
    maxBackoffMs: z.int().min(1).max(86_400_000).default(300_000),
    /** A body larger than this is an error (not retried). @default 64 MiB */
    maxResponseBytes: z
      .int()
      .min(1024)
      .max(1024 * 1024 * 1024)
      .default(64 * 1024 * 1024),
    /** A guard against pagination that never ends: a poll stops after this many pages, with a warning. @default 10000 */
    maxPagesPerPoll: z.int().min(1).default(10_000),
    /** End after this many polls (a one-off import); the count is in the checkpoint. @default unlimited */
    maxPolls: z.int().min(1).optional(),
  })
  .refine((o) => o.intervalMs === undefined || o.cron === undefined, { error: 'give intervalMs or cron, not both', path: ['cron'] })
  .refine((o) => o.pagination.type !== 'page' || o.pagination.sizeParam === undefined || o.pagination.size !== undefined, {
    error: 'sizeParam needs the page size (size)',
    path: ['pagination', 'size'],
  })

export type HttpPollOptionsInput = z.input<typeof httpPollOptionsSchema>
export type HttpPollOptions = z.output<typeof httpPollOptionsSchema>
export type Pagination = HttpPollOptions['pagination']

/** Validates `http-poll` options and fills in the defaults; messages name the option to fix. */
export function parseHttpPollOptions(raw: unknown): HttpPollOptions {
  return parseOptions(httpPollOptionsSchema, raw ?? {})
}
