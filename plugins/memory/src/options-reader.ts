import { TwinflowError } from '@twinflow/core'

/**
 * Reads a plugin's raw options (from a config file, so `unknown`) field by field, with errors that
 * name the option and say what was expected. Unknown options are rejected, so that a typo fails
 * at start instead of being ignored.
 */
export class OptionsReader {
  readonly #raw: Record<string, unknown>
  readonly #path: string

  constructor(raw: unknown, known: readonly string[], path = '') {
    this.#path = path
    if (raw === undefined || raw === null) raw = {}
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      throw new TwinflowError('config', `${path ? `option "${path}"` : 'options'} must be an object, got ${Array.isArray(raw) ? 'an array' : typeof raw}`)
    }
    this.#raw = raw as Record<string, unknown>
    for (const key of Object.keys(this.#raw)) {
      if (!known.includes(key)) {
        throw new TwinflowError('config', `unknown option "${this.#name(key)}"; known options: ${known.map((k) => this.#name(k)).join(', ') || 'none'}`)
      }
    }
  }

  /** An integer >= `min` (1 unless told), or `fallback` when absent. */
  integer(key: string, fallback: number, min = 1): number {
    const value = this.#raw[key]
    if (value === undefined) return fallback
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
      throw new TwinflowError('config', `option "${this.#name(key)}" must be an integer >= ${min}, got ${JSON.stringify(value) ?? typeof value}`)
    }
    return value
  }

  boolean(key: string, fallback: boolean): boolean {
    const value = this.#raw[key]
    if (value === undefined) return fallback
    if (typeof value !== 'boolean') throw new TwinflowError('config', `option "${this.#name(key)}" must be true or false, got ${JSON.stringify(value) ?? typeof value}`)
    return value
  }

  /** A nested options object, read with its own known keys. */
  object(key: string, known: readonly string[]): OptionsReader {
    return new OptionsReader(this.#raw[key], known, this.#name(key))
  }

  #name(key: string): string {
    return this.#path ? `${this.#path}.${key}` : key
  }
}
