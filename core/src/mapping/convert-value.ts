import type { FieldType } from '../schema/field-type.ts'
import { defaultTime } from './compile-timestamp.ts'

export type ConvertResult = { ok: true; value: unknown } | { ok: false; reason: string }

const INTEGER = /^[+-]?\d+$/
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const BOOLEANS: Record<string, boolean> = { true: true, false: false, '1': true, '0': false }

/**
 * The conversion of input values to a field's declared kind, for inputs that carry no types (CSV
 * strings) or other ones (Parquet's bigint and Date):
 * - int: a decimal integer string (surrounding spaces ignored, no exponent or fraction), a bigint
 *   or a Date, within ±(2^53 - 1);
 * - float: a decimal string (`1e3`, `-0.5`, `.5`; not `NaN`, `Infinity` or hex), finite;
 * - bool: `true`/`false` in any case, `1`/`0`;
 * - time: epoch ms (an integer string, a bigint, a Date) or ISO-8601 with a zone;
 * - string (enums included): unchanged.
 * An empty or blank string is no value for a number, boolean or time. Values of any other type are
 * left as they are, for the stream's validator to judge.
 */
export function converterOf(type: FieldType): (value: unknown) => ConvertResult {
  switch (type.kind) {
    case 'int':
      return (value) => {
        if (typeof value === 'string') {
          const text = value.trim()
          if (text === '') return empty('an integer')
          if (!INTEGER.test(text)) return { ok: false, reason: `${show(value)} is not an integer` }
          return safe(Number(text), value)
        }
        if (typeof value === 'bigint') return safe(Number(value), value)
        if (value instanceof Date) return safe(value.getTime(), value)
        return { ok: true, value }
      }
    case 'float':
      return (value) => {
        if (typeof value === 'string') {
          const text = value.trim()
          if (text === '') return empty('a number')
          if (!DECIMAL.test(text)) return { ok: false, reason: `${show(value)} is not a decimal number` }
          const n = Number(text)
          return Number.isFinite(n) ? { ok: true, value: n } : { ok: false, reason: `${show(value)} is out of range for a float64` }
        }
        if (typeof value === 'bigint') return { ok: true, value: Number(value) }
        return { ok: true, value }
      }
    case 'bool':
      return (value) => {
        if (typeof value !== 'string') return { ok: true, value }
        const text = value.trim()
        if (text === '') return empty('true or false')
        const b = BOOLEANS[text.toLowerCase()]
        return b === undefined ? { ok: false, reason: `${show(value)} is not a boolean (true, false, 1 or 0)` } : { ok: true, value: b }
      }
    case 'time':
      return (value) => {
        if (typeof value === 'string' && value.trim() === '') return empty('a time')
        if (typeof value !== 'string' && typeof value !== 'bigint' && !(value instanceof Date)) return { ok: true, value }
        const t = defaultTime(value)
        return t.ok ? { ok: true, value: t.ms } : t
      }
    default:
      return (value) => ({ ok: true, value })
  }
}

function safe(n: number, input: unknown): ConvertResult {
  if (Number.isSafeInteger(n)) return { ok: true, value: n === 0 ? 0 : n }
  return { ok: false, reason: `${show(input)} is beyond ±(2^53 - 1), the integers kept exactly` }
}

function empty(what: string): ConvertResult {
  return { ok: false, reason: `empty, expected ${what}` }
}

function show(value: unknown): string {
  const text = typeof value === 'bigint' ? `${value}` : value instanceof Date ? value.toISOString() : JSON.stringify(value)
  return text.length > 40 ? `${text.slice(0, 37)}...` : text
}
