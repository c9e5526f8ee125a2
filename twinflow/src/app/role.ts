import { TwinflowError } from '@twinflow/core'

/**
 * The roles of a `--role` value: a comma-separated list of `known` roles (the roles the process's
 * services are bound with, `Twinflow.roles`), or `all` for every one. An unknown or missing role is
 * a `config` error that lists the known ones.
 */
export function parseRoles(value: string, known: readonly string[]): string[] {
  const names = value
    .split(',')
    .map((r) => r.trim())
    .filter(Boolean)
  if (names.includes('all')) return [...known]
  for (const name of names) {
    if (!known.includes(name)) throw new TwinflowError('config', `unknown role "${name}"; roles: ${known.join(', ')}, all`)
  }
  if (names.length === 0) throw new TwinflowError('config', `no role given; roles: ${known.join(', ')}, all`)
  return [...new Set(names)]
}
