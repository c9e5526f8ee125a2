import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

/** Options of the `clickhouse` driver plugin: a ClickHouse server over HTTP. */
export const clickHouseServerDriverOptionsSchema = z.strictObject({
  /** HTTP(S) endpoint. @default 'http://127.0.0.1:8123' */
  url: z
    .string()
    .regex(/^https?:\/\/[^/]+/, 'must look like http://host:8123')
    .default('http://127.0.0.1:8123'),
  /** @default 'default' */
  username: z.string().default('default'),
  /** Never echoed in errors. @default '' */
  password: z.string({ error: 'must be a string' }).default(''),
  /** @default 'default' */
  database: z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier (letters, digits and _, not starting with a digit)')
    .default('default'),
  /** Per-request timeout in ms (a batch recompute of a large view can take minutes). @default 600000 */
  requestTimeoutMs: z.int().min(1000).default(600_000),
  /**
   * How long an idle connection is reused, in ms; must be well below the server's
   * `keep_alive_timeout` (3 s before ClickHouse 23.11, 10 s since), or a request can go out on a
   * connection the server is closing ("socket hang up"). Idle connections older than this are
   * dropped when next picked, even when the process was too busy for the timer. @default 1500
   */
  idleSocketTtlMs: z.int().min(100).default(1500),
})

export type ClickHouseServerDriverOptionsInput = z.input<typeof clickHouseServerDriverOptionsSchema>
export type ClickHouseServerDriverOptions = z.output<typeof clickHouseServerDriverOptionsSchema>

/** Validates the options of the clickhouse driver plugin and fills in the defaults. */
export function parseClickHouseServerDriverOptions(raw: unknown): ClickHouseServerDriverOptions {
  return parseOptions(clickHouseServerDriverOptionsSchema, raw ?? {})
}
