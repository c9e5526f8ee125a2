import { TwinflowError, type Scalar, type ValueKind } from '@twinflow/core'

const NAMED_ESCAPES: Record<string, string> = { '\\': '\\\\', "'": "\\'", '\n': '\\n', '\r': '\\r', '\t': '\\t' }
// Backslash, quote, C0 controls and DEL. Lone surrogates are refused below (they have no UTF-8 form).
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this escapes
const TO_ESCAPE = /[\\'\u0000-\u001f\u007f]/g
const LONE_SURROGATE = /\p{Cs}/u

function escapeChar(char: string): string {
  return NAMED_ESCAPES[char] ?? `\\x${char.charCodeAt(0).toString(16).padStart(2, '0')}`
}

function fail(value: unknown, kind: ValueKind, why: string): never {
  throw new TwinflowError('validation', `cannot write ${JSON.stringify(value) ?? String(value)} as a ${kind} SQL literal: ${why}`, { context: { kind } })
}

/**
 * The one formatter of user values in generated SQL (ClickHouse 18.16 has no server-side
 * parameters). Strings are single-quoted with backslash escapes for backslash, quote and control
 * characters (`\n`, `\r`, `\t`, else `\xHH`), so the SQL text never carries a raw control byte;
 * ints and times are exact decimal integers; floats are written with round-trip precision (the
 * shortest decimal that parses back to the same double, -0 kept, always with a `.` or exponent so
 * that ClickHouse types it Float64); booleans are 1 and 0 (UInt8, like bool columns).
 * Throws a `validation` error for a value that does not fit its kind.
 */
export function formatLiteral(value: Scalar, kind: ValueKind): string {
  switch (kind) {
    case 'string': {
      if (typeof value !== 'string') return fail(value, kind, 'not a string')
      if (LONE_SURROGATE.test(value)) return fail(value, kind, 'contains a lone UTF-16 surrogate (not valid Unicode)')
      return `'${value.replace(TO_ESCAPE, escapeChar)}'`
    }
    case 'int':
    case 'time': {
      if (typeof value !== 'number' || !Number.isSafeInteger(value)) return fail(value, kind, 'not a safe integer')
      return String(value)
    }
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return fail(value, kind, 'not a finite number')
      if (Object.is(value, -0)) return '-0.0'
      const text = String(value)
      return /[.e]/.test(text) ? text : `${text}.0`
    }
    case 'bool': {
      if (typeof value !== 'boolean') return fail(value, kind, 'not a boolean')
      return value ? '1' : '0'
    }
  }
}
