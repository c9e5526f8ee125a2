import { describe, expect, it } from 'vitest'
import { decodeInt64 } from './decode-int64.ts'

describe('decodeInt64', () => {
  it('reads quoted and unquoted 64-bit integers', () => {
    expect(decodeInt64('9007199254740991', 'x')).toBe(9007199254740991)
    expect(decodeInt64('-42', 'x')).toBe(-42)
    expect(decodeInt64(7, 'x')).toBe(7)
  })

  it('refuses what is not an exact integer, saying where it came from', () => {
    expect(() => decodeInt64('9007199254740993', 'tf_batch_runs.rows')).toThrow(/tf_batch_runs.rows: expected a 64-bit integer within ±2\^53, got "9007199254740993"/)
    expect(() => decodeInt64('1.5', 'x')).toThrow(/got "1.5"/)
    expect(() => decodeInt64(null, 'x')).toThrow(/got null/)
    expect(() => decodeInt64('', 'x')).toThrow(/got ""/)
  })
})
