import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { parseChdbDriverOptions } from './chdb-driver-options.ts'

describe('parseChdbDriverOptions', () => {
  it('accepts no options (a fresh temporary directory) and a path', () => {
    expect(parseChdbDriverOptions(undefined)).toEqual({ releaseMemoryEveryMs: 5000, spillAboveBytes: 268435456 })
    expect(parseChdbDriverOptions({})).toEqual({ releaseMemoryEveryMs: 5000, spillAboveBytes: 268435456 })
    expect(parseChdbDriverOptions({ path: './data/chdb' })).toEqual({ path: './data/chdb', releaseMemoryEveryMs: 5000, spillAboveBytes: 268435456 })
  })

  it('takes how often freed memory is released, 0 turning it off', () => {
    expect(parseChdbDriverOptions({ releaseMemoryEveryMs: 0 })).toEqual({ releaseMemoryEveryMs: 0, spillAboveBytes: 268435456 })
    expect(() => parseChdbDriverOptions({ releaseMemoryEveryMs: -1 })).toThrow(/releaseMemoryEveryMs/)
    expect(() => parseChdbDriverOptions({ releaseMemoryEveryMs: 1.5 })).toThrow(/releaseMemoryEveryMs/)
  })

  it('rejects bad options with a config error that says what to fix', () => {
    expect(() => parseChdbDriverOptions('data')).toThrow(/must be an object, got "data"/)
    expect(() => parseChdbDriverOptions([])).toThrow(/must be an object, got \[\]/)
    expect(() => parseChdbDriverOptions({ dir: 'x' })).toThrow(/unknown option "dir"; known options: path/)
    expect(() => parseChdbDriverOptions({ path: '' })).toThrow(/path: must be a non-empty string \(the chdb data directory\)/)
    expect(() => parseChdbDriverOptions({ path: ' ' })).toThrow(/path: must be a non-empty string/)
    expect(() => parseChdbDriverOptions({ path: 42 })).toThrow(/path: must be a non-empty string \(the chdb data directory\), got 42/)
    expect(() => parseChdbDriverOptions({ path: 'a\0b' })).toThrow(/path: must not contain a NUL character/)
    expect(() => parseChdbDriverOptions({ path: '' })).toThrow(TwinflowError)
  })
})
