import { TwinflowError, type PartialRow, type Scalar, type ViewDef } from '@twinflow/core'
import { selects, type KeySelection } from '../read/key-selection.ts'
import type { ViewSelection } from './view-query.ts'

/**
 * A query's filter on keys, checked against the view: an unknown key or a value of the wrong type
 * is a `validation` error. `narrowest` is the filtered key with the fewest allowed values, which
 * the read is narrowed to; `select` keeps the rows that pass every filtered key (the rows
 * themselves when nothing is filtered).
 */
export class KeyFilter {
  readonly narrowest: KeySelection | undefined
  /** Per filtered key, by name: its allowed values, once each. */
  readonly values: Readonly<Record<string, readonly Scalar[]>>
  readonly #checks: KeySelection[] = []

  constructor(view: ViewDef, filter: ViewSelection['keyFilter'] = {}) {
    const checks = this.#checks
    const allowed: Record<string, Scalar[]> = {}
    for (const [name, values] of Object.entries(filter)) {
      const index = view.keys.findIndex((k) => k.name === name)
      if (index < 0) {
        throw new TwinflowError('validation', `view "${view.name}" has no key "${name}"; its keys: ${view.keys.map((k) => k.name).join(', ') || 'none'}`)
      }
      const key = view.keys[index]!
      const expected = key.type === 'string' ? 'string' : key.type === 'bool' ? 'boolean' : 'number'
      for (const value of values) {
        // An int or time key holds safe integers only (GraphQL gives them as floats).
        if (typeof value !== expected || (expected === 'number' && !Number.isSafeInteger(value))) {
          throw new TwinflowError('validation', `key "${name}" of view "${view.name}" is a ${key.type}; got ${JSON.stringify(value)}`)
        }
      }
      const distinct = new Set(values)
      allowed[name] = [...distinct]
      checks.push({ index, values: distinct, id: `${index}:${JSON.stringify([...distinct].sort())}` })
    }
    this.values = allowed
    this.narrowest = checks.reduce<KeySelection | undefined>((best, c) => (best === undefined || c.values.size < best.values.size ? c : best), undefined)
  }

  /** Whether any key is filtered (otherwise `select` keeps every row). */
  get filters(): boolean {
    return this.#checks.length > 0
  }

  select(rows: readonly PartialRow[]): readonly PartialRow[] {
    const checks = this.#checks
    return checks.length === 0 ? rows : rows.filter((row) => checks.every((c) => selects(c, row)))
  }
}
