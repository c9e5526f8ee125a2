/**
 * How database values become record values, the same for PostgreSQL and MySQL/MariaDB, so that a
 * row is JSON and nothing is lost:
 * - 64-bit integers: a number within ±(2^53 − 1), else the decimal string;
 * - decimals (numeric, DECIMAL): a number when it has at most 15 significant digits (a double
 *   holds those exactly, and prints them back the same), else the decimal string;
 * - times with a zone (timestamptz, MySQL TIMESTAMP): ISO-8601 in UTC with every fractional digit
 *   the server keeps, e.g. `2026-01-15T10:05:00.123456Z`;
 * - times without a zone (timestamp, DATETIME): ISO-8601 without a zone,
 *   `2026-01-15T10:05:00.123456`; give the mapping a zone for them (`timestamps`);
 * - dates: `2026-01-15`; binary values (bytea, BLOB, BINARY): base64;
 * - values a server cannot express in these forms (`infinity`, a zero date) are left as the
 *   server wrote them, for the stream's validation to reject with a reason.
 */

const MAX_SAFE_DIGITS = 15

/** A 64-bit integer's text: a number when it is a safe integer, else the text. */
export function int8Value(text: string): number | string {
  // Up to 15 digits (and a sign) is always safe; longer ones are checked exactly.
  if (text.length <= MAX_SAFE_DIGITS) return Number(text)
  const n = Number(text)
  return Number.isSafeInteger(n) && BigInt(text) === BigInt(n) ? n : text
}

/** A decimal's text: a number when it has at most 15 significant digits, else the text. */
export function decimalValue(text: string): number | string {
  let significant = 0
  let leading = true
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) {
      if (c === 46 || c === 45 || c === 43) continue // . - +
      return text // NaN, Infinity, an exponent: as written
    }
    if (leading && c === 48) continue
    leading = false
    significant++
  }
  // Trailing zeros of a fraction are not significant, but counting them only errs on the string side.
  return significant <= MAX_SAFE_DIGITS ? Number(text) : text
}

// `2026-01-15 10:05:00[.123456][+00[:00[:00]]]` (PostgreSQL's output in the ISO DateStyle, MySQL's).
const SERVER_TIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d+)?)(?:([+-])(\d{2})(?::?(\d{2}))?(?::?(\d{2}))?)?$/

/**
 * A time with a zone as the server writes it, as ISO-8601: `Z` for UTC (the sessions are set to
 * UTC, so that is the usual case), else the offset (`+05:30`); a text in another form unchanged.
 * A time without an offset is taken as UTC (MySQL's TIMESTAMP in a UTC session).
 */
export function instantIso(text: string): string {
  // The usual forms, without a regular expression: `YYYY-MM-DD HH:MM:SS[.f]` (MySQL's TIMESTAMP in
  // a UTC session) and the same ending in `+00` (PostgreSQL's timestamptz in a UTC session). Servers
  // write them strictly, so the separators and the fraction are all that is checked.
  const n = text.length
  if (n >= 19 && text.charCodeAt(4) === 45 && text.charCodeAt(10) === 32 && text.charCodeAt(16) === 58) {
    if (text.charCodeAt(n - 3) === 43 && text.charCodeAt(n - 2) === 48 && text.charCodeAt(n - 1) === 48) {
      if (n === 22 || (n > 23 && text.charCodeAt(19) === 46 && digitsOnly(text, 20, n - 3))) return `${text.slice(0, 10)}T${text.slice(11, n - 3)}Z`
    } else if (n === 19 || (n > 20 && text.charCodeAt(19) === 46 && digitsOnly(text, 20, n))) return `${text.slice(0, 10)}T${text.slice(11)}Z`
  }
  const m = SERVER_TIME.exec(text)
  if (m === null) return text
  const [, date, time, sign, hh, mm = '00', ss] = m
  if (ss !== undefined && ss !== '00') return text // a second offset (before 1900 in some zones): ISO cannot say it
  if (sign === undefined || (hh === '00' && mm === '00')) return `${date}T${time}Z`
  return `${date}T${time}${sign}${hh}:${mm}`
}

function digitsOnly(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}

/** A time without a zone as the server writes it, as ISO-8601 without a zone; a text in another form unchanged. */
export function localIso(text: string): string {
  const m = SERVER_TIME.exec(text)
  if (m === null || m[3] !== undefined) return text
  return `${m[1]}T${m[2]}`
}

/** PostgreSQL's bytea output (hex format, `\x0a1b`) as base64. */
export function byteaBase64(text: string): string {
  return text.startsWith('\\x') ? Buffer.from(text.slice(2), 'hex').toString('base64') : text
}

/** A MySQL BIT(n) value (big-endian bytes) as a number (n ≤ 53) or the decimal string. */
export function bitValue(bytes: Buffer): number | string {
  let n = 0n
  for (const b of bytes) n = (n << 8n) | BigInt(b)
  return n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString()
}

/**
 * An ISO-8601 time made by instantIso/localIso, back in the form MySQL and MariaDB compare with
 * their TIMESTAMP and DATETIME columns (`2026-01-15 10:05:00.123456`, in the UTC session).
 */
export function mysqlTimeText(iso: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2}(?:\.\d+)?)Z?$/.exec(iso)
  return m === null ? iso : `${m[1]} ${m[2]}`
}
