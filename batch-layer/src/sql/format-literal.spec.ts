import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { formatLiteral } from './format-literal.ts'

describe('formatLiteral', () => {
  it('quotes strings with backslash escapes for backslash, quote and control characters', () => {
    expect(formatLiteral('paid', 'string')).toBe("'paid'")
    expect(formatLiteral("it's", 'string')).toBe("'it\\'s'")
    expect(formatLiteral('a\\b', 'string')).toBe("'a\\\\b'")
    expect(formatLiteral("\\'", 'string')).toBe("'\\\\\\''")
    expect(formatLiteral('l1\nl2\r\t', 'string')).toBe("'l1\\nl2\\r\\t'")
    expect(formatLiteral('\u0000\u0001\u001f\u007f', 'string')).toBe("'\\x00\\x01\\x1f\\x7f'")
    expect(formatLiteral('ünïcødé ✓ 😀', 'string')).toBe("'ünïcødé ✓ 😀'")
    expect(formatLiteral('', 'string')).toBe("''")
  })

  it('writes numbers so that ClickHouse reads back the same value and kind', () => {
    expect(formatLiteral(42, 'int')).toBe('42')
    expect(formatLiteral(-9007199254740991, 'int')).toBe('-9007199254740991')
    expect(formatLiteral(1_700_000_000_000, 'time')).toBe('1700000000000')
    expect(formatLiteral(0.1, 'float')).toBe('0.1')
    expect(formatLiteral(3, 'float')).toBe('3.0')
    expect(formatLiteral(-0, 'float')).toBe('-0.0')
    expect(formatLiteral(1e21, 'float')).toBe('1e+21')
    expect(formatLiteral(5e-324, 'float')).toBe('5e-324')
    expect(formatLiteral(true, 'bool')).toBe('1')
    expect(formatLiteral(false, 'bool')).toBe('0')
  })

  it('refuses values that do not fit their kind', () => {
    const bad: [unknown, Parameters<typeof formatLiteral>[1], RegExp][] = [
      [1.5, 'int', /not a safe integer/],
      [2 ** 53, 'int', /not a safe integer/],
      ['1', 'int', /not a safe integer/],
      [Infinity, 'float', /not a finite number/],
      [NaN, 'float', /not a finite number/],
      [1, 'bool', /not a boolean/],
      [1, 'string', /not a string/],
      ['\ud800x', 'string', /lone UTF-16 surrogate/],
    ]
    for (const [value, kind, message] of bad) {
      expect(() => formatLiteral(value as never, kind)).toThrow(message)
      expect(() => formatLiteral(value as never, kind)).toThrow(TwinflowError)
    }
    expect(formatLiteral('\ud83d\ude00', 'string')).toBe("'😀'")
  })
})
