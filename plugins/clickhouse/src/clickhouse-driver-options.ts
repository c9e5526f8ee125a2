import { TwinflowError } from '@twinflow/core'

export interface ClickHouseServerDriverOptions {
  /** HTTP(S) endpoint. @default 'http://127.0.0.1:8123' */
  url: string
  /** @default 'default' */
  username: string
  /** @default '' */
  password: string
  /** @default 'default' */
  database: string
  /** Per-request timeout in ms (a batch recompute of a large view can take minutes). @default 600000 */
  requestTimeoutMs: number
}

const DEFAULTS: ClickHouseServerDriverOptions = { url: 'http://127.0.0.1:8123', username: 'default', password: '', database: 'default', requestTimeoutMs: 600_000 }

/** Validates the options of the clickhouse driver plugin. */
export function parseClickHouseServerDriverOptions(raw: unknown): ClickHouseServerDriverOptions {
  if (typeof raw !== 'object' || raw === null) throw new TwinflowError('config', 'options must be an object')
  for (const key of Object.keys(raw)) if (!(key in DEFAULTS)) throw new TwinflowError('config', `unknown option "${key}"; known: ${Object.keys(DEFAULTS).join(', ')}`)
  const o = { ...DEFAULTS, ...(raw as Partial<ClickHouseServerDriverOptions>) }
  if (typeof o.url !== 'string' || !/^https?:\/\/[^/]+/.test(o.url)) throw new TwinflowError('config', `url must look like http://host:8123, got ${JSON.stringify(o.url)}`)
  for (const key of ['username', 'password', 'database'] as const) if (typeof o[key] !== 'string') throw new TwinflowError('config', `${key} must be a string`)
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(o.database)) throw new TwinflowError('config', `database must be an identifier, got ${JSON.stringify(o.database)}`)
  if (!Number.isInteger(o.requestTimeoutMs) || o.requestTimeoutMs < 1000) throw new TwinflowError('config', 'requestTimeoutMs must be an integer >= 1000')
  return o
}
