import { describe, expect, it } from 'vitest'
import { parseChdbDriverOptions } from './chdb-driver-options.ts'

describe('parseChdbDriverOptions', () => {
  it('accepts no options (a fresh temporary directory) and a path', () => {
    expect(parseChdbDriverOptions(undefined)).toEqual({})
    expect(parseChdbDriverOptions({})).toEqual({})
    expect(parseChdbDriverOptions({ path: './data/chdb' })).toEqual({ path: './data/chdb' })
  })

  it('rejects bad options with a message that says what to fix', () => {
    expect(() => parseChdbDriverOptions('data')).toThrow(/options must be an object/)
    expect(() => parseChdbDriverOptions([])).toThrow(/got an array/)
    expect(() => parseChdbDriverOptions({ dir: 'x' })).toThrow(/unknown option "dir"; known options: path/)
    expect(() => parseChdbDriverOptions({ path: '' })).toThrow(/"path" must be a non-empty string/)
    expect(() => parseChdbDriverOptions({ path: 42 })).toThrow(/"path" must be a non-empty string.*42/)
    expect(() => parseChdbDriverOptions({ path: 'a\0b' })).toThrow(/NUL/)
  })
})
