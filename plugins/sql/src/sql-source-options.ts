import { parseOptions } from '@twinflow/core'
import { z } from 'zod'

const text = (what: string) => z.string({ error: `must be ${what}` }).min(1, `must be ${what}`)

/** TLS to the database server: `true` (verify the server against the system's CAs) or the details. */
const tlsSchema = z.union([
  z.boolean(),
  z.strictObject({
    /** PEM file of the CA(s) that sign the server's certificate (instead of the system's). */
    caFile: text('the path of a PEM file').optional(),
    /** Client certificate and key (PEM files), for servers that ask for one. */
    certFile: text('the path of a PEM file').optional(),
    keyFile: text('the path of a PEM file').optional(),
    /** Verify the server's certificate. Only turn it off for a test server. @default true */
    rejectUnauthorized: z.boolean().default(true),
    /** The name to check the certificate against, when it is not the host's. */
    servername: text('a host name').optional(),
  }),
])

/** How the source reads on once it has caught up with the table. */
const pollSchema = z.union(
  [
    /** Read what the table holds now, then end (END_OF_INPUT): a one-shot copy. */
    z.literal('once'),
    /** Continuously: once caught up, look again every `intervalMs`. */
    z.strictObject({ intervalMs: z.int().min(10).max(86_400_000) }),
    /** On a schedule: once caught up, wait for the next time of this cron expression (the process's scheduler). */
    z.strictObject({ cron: text('a cron expression, e.g. "*/5 * * * *"') }),
  ],
  { error: 'must be "once", { "intervalMs": <ms> } or { "cron": "<expression>" }' },
)

/** The column(s) the source reads in order of, and how it guards against rows committed late. */
const cursorSchema = z.strictObject({
  /**
   * The column that orders the rows: an increasing id, or a last-modified time (`updated_at`).
   * Rows whose value is NULL are never read (they are counted and logged). In `query` mode a
   * qualified name (`o.updated_at`) is allowed; the row's field is its last part.
   */
  column: text('the name of the cursor column, e.g. "id" or "updated_at"'),
  /** A unique column that orders rows with the same `column` value (needed unless `column` is unique, e.g. `id` with `updated_at`). */
  tieBreaker: text('the name of a unique column, e.g. "id"').optional(),
  /**
   * A timestamp cursor only: rows are read once their cursor is at least this old by the database's
   * clock, so that a transaction that commits up to this long after it wrote its time is not
   * overtaken. @default 0
   */
  safetyLagMs: z.int().min(0).max(86_400_000).default(0),
  /**
   * PostgreSQL, `table` mode, a timestamp cursor: how far behind the database's clock to look, at
   * every page, for rows below the checkpoint committed after it was read (a late-committing
   * transaction); such rows are read then, and counted in a warning. 0 turns the check off. @default 60000
   */
  lateRowLookbackMs: z.int().min(0).max(86_400_000).default(60_000),
  /**
   * `table` mode: how often, at most, the source counts the rows at or below its checkpoint, to
   * find rows that appeared behind it (inserted, or moved, below the cursor after it passed): a
   * growth beyond the rows it read is a dead letter naming the table, the cursor and how many
   * rows (those rows are not read). Checked at the first read after a (re)start, then at most this
   * often. 0 turns the check off. @default 60000
   */
  behindCheckMs: z.int().min(0).max(86_400_000).default(60_000),
})

/** Options of the `sql` source plugin. */
export const sqlSourceOptionsSchema = z
  .strictObject({
    /** The stream the rows are events of (mapped by the source's `mapping`, then validated). */
    stream: text('the name of a stream of the pipeline'),
    /** `postgres` (PostgreSQL) or `mysql` (MySQL and MariaDB); implied by a `url`'s scheme. */
    driver: z.enum(['postgres', 'mysql'], { error: 'must be "postgres" or "mysql" (MySQL and MariaDB)' }).optional(),
    /** `postgres://user:password@host:5432/db` or `mysql://user:password@host:3306/db` (`postgresql:`, `mariadb:` too). */
    url: z.url({ error: 'must be a URL such as postgres://user:password@host:5432/db or mysql://user:password@host:3306/db' }).optional(),
    /** The server, instead of a `url`. */
    host: text('a host name or address').optional(),
    /** @default 5432 (postgres), 3306 (mysql) */
    port: z.int().min(1).max(65535).optional(),
    user: text('a user name').optional(),
    password: z.string().optional(),
    database: text('a database name').optional(),
    /** @default false */
    tls: tlsSchema.default(false),
    /** The table to read (`orders` or `schema.orders`); or give a `query`. */
    table: text('a table name, e.g. "orders" or "shop.orders"').optional(),
    /** `table` mode: the columns to read. @default every column */
    columns: z.array(text('a column name')).min(1).optional(),
    /**
     * Instead of a `table`: a SELECT with one `{{cursor}}` where its WHERE condition goes (the
     * source puts the keyset condition there) and no ORDER BY or LIMIT (the source appends them).
     */
    query: text('a SELECT with a {{cursor}} condition').optional(),
    cursor: cursorSchema,
    /** Rows per page, and per batch appended to the log. @default 1000 */
    batchSize: z.int().min(1).max(100_000).default(1000),
    /** @default { intervalMs: 1000 } */
    poll: pollSchema.default({ intervalMs: 1000 }),
    /** @default 10000 */
    connectTimeoutMs: z.int().min(100).max(600_000).default(10_000),
    /** A page query that takes longer fails (and is retried). @default 60000 */
    queryTimeoutMs: z.int().min(100).max(3_600_000).default(60_000),
  })
  .superRefine((o, ctx) => {
    const issue = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message })
    if ((o.table === undefined) === (o.query === undefined)) issue('table', 'give either a "table" or a "query" (not both)')
    if (o.query !== undefined) {
      const tokens = o.query.split('{{cursor}}').length - 1
      if (tokens !== 1) issue('query', `must contain "{{cursor}}" exactly once, where the WHERE condition goes (found ${tokens})`)
      if (o.columns !== undefined) issue('columns', 'is for "table" mode; a "query" selects its own columns')
    }
    if ((o.url === undefined) === (o.host === undefined)) issue('url', 'give the connection as a "url", or as "host" (with "driver", "user", "database"...), not both')
    if (o.url !== undefined && URL.canParse(o.url)) {
      const scheme = new URL(o.url).protocol.replace(/:$/, '')
      const driver = DRIVER_OF_SCHEME[scheme]
      if (driver === undefined) issue('url', `must start with postgres://, postgresql://, mysql:// or mariadb://, got "${scheme}:"`)
      else if (o.driver !== undefined && o.driver !== driver) issue('driver', `is "${o.driver}" but the url is a ${driver} URL`)
      for (const key of ['port', 'user', 'password', 'database'] as const) if (o[key] !== undefined) issue(key, 'goes in the url (or give "host" instead of "url")')
    } else if (o.host !== undefined && o.driver === undefined) issue('driver', 'must say which server "host" is: "postgres" or "mysql"')
    const parts = (name: string) => name.split('.').length
    if (o.table !== undefined && (parts(o.table) > 2 || o.table.split('.').some((p) => p === ''))) issue('table', `must be "table" or "schema.table", got "${o.table}"`)
    if (o.table !== undefined) {
      for (const key of ['column', 'tieBreaker'] as const) {
        const name = o.cursor[key]
        if (name?.includes('.')) ctx.addIssue({ code: 'custom', path: ['cursor', key], message: `is a column of the table, without a qualifier (got "${name}")` })
      }
      if (o.columns !== undefined) {
        for (const key of ['column', 'tieBreaker'] as const) {
          const name = o.cursor[key]
          if (name !== undefined && !o.columns.includes(name)) issue('columns', `must include the cursor's ${key} "${name}"`)
        }
      }
    }
    if (o.cursor.tieBreaker !== undefined && o.cursor.tieBreaker === o.cursor.column)
      ctx.addIssue({ code: 'custom', path: ['cursor', 'tieBreaker'], message: 'must be another column than "column"' })
  })

const DRIVER_OF_SCHEME: Record<string, 'postgres' | 'mysql'> = { postgres: 'postgres', postgresql: 'postgres', mysql: 'mysql', mariadb: 'mysql' }

export type SqlSourceOptionsInput = z.input<typeof sqlSourceOptionsSchema>
export type SqlSourceOptions = z.output<typeof sqlSourceOptionsSchema> & { driver: 'postgres' | 'mysql' }

/** Validates the `sql` source's options and fills in the defaults (and `driver`, from the url); messages name the option to fix. */
export function parseSqlSourceOptions(raw: unknown): SqlSourceOptions {
  const options = parseOptions(sqlSourceOptionsSchema, raw ?? {})
  const driver = options.driver ?? DRIVER_OF_SCHEME[new URL(options.url!).protocol.replace(/:$/, '')]!
  return { ...options, driver }
}
