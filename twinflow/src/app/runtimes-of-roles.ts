import type { RuntimeName } from '../config/twinflow-config.ts'
import type { Role } from './role.ts'

/** Which runtimes each role uses (what Twinflow.start connects for it). */
const USED_BY: Record<RuntimeName, readonly Role[]> = {
  eventLog: ['ingest', 'archiver', 'speed', 'batch', 'serve'],
  clickhouse: ['archiver', 'speed', 'batch', 'serve'],
  realtimeStore: ['speed', 'serve'],
  deadLetterQueue: ['ingest', 'archiver', 'speed', 'serve'],
  scheduler: ['batch'],
}

/** The runtimes the roles use, each with the roles (of those given) that use it. */
export function runtimesOfRoles(roles: readonly Role[]): Map<RuntimeName, Role[]> {
  const out = new Map<RuntimeName, Role[]>()
  for (const [runtime, users] of Object.entries(USED_BY) as [RuntimeName, readonly Role[]][]) {
    const using = users.filter((r) => roles.includes(r))
    if (using.length > 0) out.set(runtime, using)
  }
  return out
}
