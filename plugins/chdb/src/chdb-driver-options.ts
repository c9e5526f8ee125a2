/** Options of the `chdb` ClickHouse driver plugin. */
export interface ChdbDriverOptions {
  /**
   * Data directory of the embedded ClickHouse. chdb binds ONE data directory per process: every
   * chdb driver of a process must use the same path. A relative path is resolved against the
   * working directory.
   * @default the plugin: `<dataDir>/chdb` (kept across restarts); a ChdbDriver made in code without
   * a path: a fresh temporary directory, removed on close
   */
  path?: string
}

const KNOWN = new Set(['path'])

/** Validates raw plugin options; throws an Error that says what to fix (the plugin module wraps it in a `config` error). */
export function parseChdbDriverOptions(raw: unknown): ChdbDriverOptions {
  if (raw === undefined || raw === null) return {}
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`options must be an object like { path: './data/chdb' }, got ${Array.isArray(raw) ? 'an array' : typeof raw}`)
  }
  const input = raw as Record<string, unknown>
  for (const key of Object.keys(input)) {
    if (!KNOWN.has(key)) throw new Error(`unknown option "${key}"; known options: ${[...KNOWN].join(', ')}`)
  }
  const { path } = input
  if (path === undefined) return {}
  if (typeof path !== 'string' || path.trim() === '') {
    throw new Error(`"path" must be a non-empty string (the chdb data directory), got ${JSON.stringify(path) ?? typeof path}`)
  }
  if (path.includes('\0')) throw new Error('"path" must not contain a NUL character')
  return { path }
}
