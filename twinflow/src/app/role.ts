import { TwinflowError } from '@twinflow/core'

/**
 * What one process runs. `all` runs every role (the embedded `dev` mode).
 * - ingest: runs the configured sources into the log
 * - archiver: log → ClickHouse master table
 * - speed: log → realtime store
 * - batch: scheduled recompute of every view
 * - serve: the GraphQL server
 */
export const ROLES = ['ingest', 'archiver', 'speed', 'batch', 'serve'] as const
export type Role = (typeof ROLES)[number]

export function parseRoles(value: string): Role[] {
  const names = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
  if (names.includes('all')) return [...ROLES]
  for (const name of names) {
    if (!(ROLES as readonly string[]).includes(name)) throw new TwinflowError('config', `unknown role "${name}"; roles: ${ROLES.join(', ')}, all`)
  }
  if (names.length === 0) throw new TwinflowError('config', `no role given; roles: ${ROLES.join(', ')}, all`)
  return names as Role[]
}
