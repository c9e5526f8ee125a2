import { DateTime } from 'luxon'
import { parseIsoTime } from './parse-iso-time.ts'
import type { TimestampFormat } from './timestamp-format.ts'
import { type LocalTimeResult, zoneTime } from './zone-time.ts'

export type TimestampResult = LocalTimeResult

const EPOCH = /^\s*([+-]?)(\d+)(?:\.(\d*))?\s*$/
const LOCALE = { locale: 'en-US' } as const

/**
 * The parser of one timestamp format: an input value (string, number, bigint or Date) to epoch ms,
 * or the reason it is not one. Throws a RangeError for a pattern that cannot parse what it formats
 * (the caller turns it into a config error).
 */
export function compileTimestamp(format: TimestampFormat): (value: unknown) => TimestampResult {
  const spec = typeof format === 'string' ? { format } : format
  switch (spec.format) {
    case 'epoch-ms':
      return (value) => epoch(value, 1, 'epoch-ms')
    case 'epoch-s':
      return (value) => epoch(value, 1000, 'epoch-s')
    case 'iso': {
      const local = 'zone' in spec && spec.zone ? zoneTime(spec.zone) : null
      return (value) => (typeof value === 'string' ? parseIsoTime(value, local) : value instanceof Date ? fromDate(value) : expected('an ISO-8601 string', value))
    }
    case 'pattern':
      return patternParser(spec.pattern, spec.zone)
  }
}

/** The default of an event-time field without a format: epoch ms (number, or an integer string) or ISO-8601 with a zone. */
export function defaultTime(value: unknown): TimestampResult {
  if (typeof value === 'string') return /^\s*\d+\s*$/.test(value) ? epoch(value, 1, 'epoch-ms') : parseIsoTime(value, null)
  if (typeof value === 'number' || typeof value === 'bigint') return epoch(value, 1, 'epoch-ms')
  if (value instanceof Date) return fromDate(value)
  return expected('epoch milliseconds or an ISO-8601 time with a zone', value)
}

function epoch(value: unknown, unitMs: 1 | 1000, name: string): TimestampResult {
  const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? String(value) : null
  if (text === null) return expected(`${name} (a number)`, value)
  const m = EPOCH.exec(text)
  if (!m) return { ok: false, reason: `${JSON.stringify(text)} is not ${name} (a plain decimal number)` }
  const [, sign, whole = '', fraction = ''] = m
  if (unitMs === 1 && /[1-9]/.test(fraction)) return { ok: false, reason: `${JSON.stringify(text)} is not a whole number of milliseconds` }
  // Exact decimal arithmetic: seconds with a fraction never go through a binary float product.
  const ms = Number(whole) * unitMs + (unitMs === 1000 ? Number(fraction.slice(0, 3).padEnd(3, '0')) : 0)
  if (!Number.isSafeInteger(ms)) return { ok: false, reason: `${JSON.stringify(text)} is out of range for ${name}` }
  return { ok: true, ms: sign === '-' ? -ms : ms }
}

function fromDate(value: Date): TimestampResult {
  const ms = value.getTime()
  return Number.isNaN(ms) ? { ok: false, reason: 'an invalid Date' } : { ok: true, ms }
}

function patternParser(pattern: string, zone: string): (value: unknown) => TimestampResult {
  const parser = DateTime.buildFormatParser(pattern, LOCALE)
  // An offset token (outside quoted literals) makes the text say its own offset.
  const ownOffset = /[Zz]/.test(pattern.replace(/'[^']*'/g, ''))
  const resolve = zoneTime(zone)
  const parse = (text: string): TimestampResult => {
    const dt = DateTime.fromFormatParser(text.trim(), parser, { ...LOCALE, zone: ownOffset ? zone : 'utc' })
    if (!dt.isValid) return { ok: false, reason: `${JSON.stringify(text)} does not match the pattern "${pattern}"${dt.invalidExplanation ? ` (${dt.invalidExplanation})` : ''}` }
    return ownOffset ? { ok: true, ms: dt.toMillis() } : resolve(dt.toMillis())
  }
  // The pattern must read back the date it writes (luxon fills a missing date with today's).
  const instant = Date.UTC(2001, 1, 3, 4, 5, 6, 7)
  const probe = DateTime.fromMillis(instant, { zone: 'utc' }).toFormat(pattern, LOCALE)
  const back = DateTime.fromFormatParser(probe, parser, { ...LOCALE, zone: 'utc' })
  if (!back.isValid || Math.floor(back.toMillis() / 86_400_000) !== Math.floor(instant / 86_400_000))
    throw new RangeError(`the pattern "${pattern}" cannot read back what it writes (${JSON.stringify(probe)}): check its tokens (yyyy, MM, dd, HH, mm, ss, SSS...)`)
  return (value) => (typeof value === 'string' ? parse(value) : expected(`a string in the pattern "${pattern}"`, value))
}

function expected(what: string, value: unknown): TimestampResult {
  return { ok: false, reason: `expected ${what}, got ${describe(value)}` }
}

function describe(value: unknown): string {
  if (value === null) return 'null'
  if (value === undefined) return 'nothing'
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `${typeof value} ${String(value)}`
  return Array.isArray(value) ? 'an array' : typeof value
}
