import { readFileSync } from 'node:fs'
import { TwinflowError } from '@twinflow/core'
import type { SqlServerLabel } from './sql-client.ts'
import type { SqlSourceOptions } from './sql-source-options.ts'

/** TLS settings in the form both drivers take (`ssl` of pg and mysql2). */
export interface TlsSettings {
  rejectUnauthorized: boolean
  ca?: string
  cert?: string
  key?: string
  servername?: string
}

/** What a client needs to connect, resolved from the options once (TLS files read, the address for messages). */
export interface SqlConnectionSettings {
  connection: { url?: string; host?: string; port?: number; user?: string; password?: string; database?: string }
  /** null: no TLS. */
  tls: TlsSettings | null
  connectTimeoutMs: number
  queryTimeoutMs: number
  server: SqlServerLabel
}

/** Resolves the connection options; an unreadable TLS file is a `config` error naming the option. */
export function connectionSettingsOf(options: SqlSourceOptions): SqlConnectionSettings {
  const { url, host, port, user, password, database, driver } = options
  const read = (key: 'caFile' | 'certFile' | 'keyFile', path: string | undefined) => {
    if (path === undefined) return undefined
    try {
      return readFileSync(path, 'utf8')
    } catch (error) {
      throw new TwinflowError('config', `tls.${key}: cannot read ${path}: ${(error as Error).message}`, { cause: error })
    }
  }
  const { tls } = options
  let settings: TlsSettings | null = null
  if (tls === true) settings = { rejectUnauthorized: true }
  else if (tls !== false) {
    settings = { rejectUnauthorized: tls.rejectUnauthorized }
    const ca = read('caFile', tls.caFile)
    const cert = read('certFile', tls.certFile)
    const key = read('keyFile', tls.keyFile)
    if (ca !== undefined) settings.ca = ca
    if (cert !== undefined) settings.cert = cert
    if (key !== undefined) settings.key = key
    if (tls.servername !== undefined) settings.servername = tls.servername
  }
  const defaultPort = driver === 'postgres' ? 5432 : 3306
  let address: string
  if (url !== undefined) {
    const u = new URL(url)
    address = `${u.hostname}:${u.port || defaultPort}${u.pathname}`
  } else address = `${host}:${port ?? defaultPort}/${database ?? ''}`
  const connection: SqlConnectionSettings['connection'] = url !== undefined ? { url } : { host, port: port ?? defaultPort, user, password, database }
  return { connection, tls: settings, connectTimeoutMs: options.connectTimeoutMs, queryTimeoutMs: options.queryTimeoutMs, server: { driver, address } }
}
