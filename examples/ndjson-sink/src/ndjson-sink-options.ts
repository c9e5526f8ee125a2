import { TwinflowError } from '@twinflow/core'

/** Options of the `ndjson-file` sink: `{ "plugin": "ndjson-file", "options": { "path": "changes.ndjson" } }`. */
export interface NdjsonSinkOptions {
  /** The file the changes are appended to (created if missing). */
  path: string
}

/** Validates the options; a `config` error says what to fix. */
export function parseNdjsonSinkOptions(raw: unknown): NdjsonSinkOptions {
  const options = (raw ?? {}) as Record<string, unknown>
  if (typeof options !== 'object' || Array.isArray(options)) throw new TwinflowError('config', 'options must be an object like { "path": "changes.ndjson" }')
  const unknown = Object.keys(options).filter((k) => k !== 'path')
  if (unknown.length > 0) throw new TwinflowError('config', `unknown option "${unknown[0]}"; the options are: path`)
  if (typeof options.path !== 'string' || options.path.trim() === '')
    throw new TwinflowError('config', `"path" must name the file to append to, got ${JSON.stringify(options.path)}`)
  return { path: options.path }
}
