import { TwinflowError } from '@twinflow/core'

/** Reads one environment variable (readEnv's `variables`). */
export type EnvLookup = (name: string) => string | undefined

const REFERENCE = /\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g

/**
 * Fills environment variables into the strings of a config file's JSON, so that secrets (an API
 * token, a password) stay out of the file: `${NAME}` is the variable's value, `${NAME:-text}` that
 * or `text` when it is unset or empty, `$${` a literal `${`. Keys are left as they are. An unset
 * variable without a fallback is a `config` error listing every one with where it is
 * (`sources[0].options.headers.Authorization`), never an empty string in its place.
 */
export function interpolateEnv(json: unknown, lookup: EnvLookup, origin: string): unknown {
  const problems: string[] = []
  const walk = (value: unknown, path: string): unknown => {
    if (typeof value === 'string') {
      if (!value.includes('${')) return value
      return value.replace(REFERENCE, (match, name: string | undefined, fallback: string | undefined) => {
        if (match === '$${') return '${'
        const found = lookup(name!)
        if (found !== undefined && found !== '') return found
        if (fallback !== undefined) return fallback
        problems.push(`  - ${path || '(root)'}: environment variable ${name} is not set`)
        return match
      })
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, `${path}[${i}]`))
    if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, path ? `${path}.${k}` : k)]))
    return value
  }
  const out = walk(json, '')
  if (problems.length > 0)
    throw new TwinflowError('config', `${origin} names environment variables that are not set (set them, or write \${NAME:-default}):\n${problems.join('\n')}`)
  return out
}
