import { fieldBuilder, type FieldBuilder } from './field-builder.ts'
import type { FieldType } from './field-type.ts'

const MAX_EVENT_TIME = Date.UTC(9999, 0, 1)

const ok = <T>(value: T) => ({ ok: true as const, value })
const fail = (reason: string) => ({ ok: false as const, reason })
// A lone surrogate (e.g. JSON "\ud800") is stored by ClickHouse as U+FFFD but kept by JavaScript,
// so batch and speed would see different keys: reject it. (String.prototype.isWellFormed: Node 20+,
// not yet in the ES2023 lib typings.)
const wellFormed = (s: string) => (s as string & { isWellFormed(): boolean }).isWellFormed()
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v)

/** The longest string a field takes unless it says otherwise, in UTF-8 bytes. */
export const DEFAULT_MAX_STRING_BYTES = 4096

export interface StringOptions {
  /** Longer values (in UTF-8 bytes) are rejected: a key or a label, not a document. @default 4096 */
  maxBytes?: number
}

// At most 3 UTF-8 bytes per UTF-16 unit: a string that short needs no counting.
const withinBytes = (s: string, maxBytes: number) => s.length * 3 <= maxBytes || Buffer.byteLength(s, 'utf8') <= maxBytes

/** Field type builders for stream schemas. */
export const t = {
  /** UTF-8 text, at most `maxBytes` long (4 KiB unless given). */
  string(options: StringOptions = {}): FieldBuilder<string, 'string'> {
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_STRING_BYTES
    if (!Number.isSafeInteger(maxBytes) || maxBytes < 1) throw new RangeError(`t.string: maxBytes must be a positive integer, got ${maxBytes}`)
    return fieldBuilder({
      kind: 'string',
      maxBytes,
      clickhouseType: 'String',
      graphqlType: 'String',
      parse: (v) => {
        if (typeof v !== 'string') return fail(`expected a string, got ${describe(v)}`)
        if (!wellFormed(v)) return fail('string has a lone UTF-16 surrogate (not valid Unicode)')
        if (!withinBytes(v, maxBytes)) return fail(`string of ${Buffer.byteLength(v, 'utf8')} bytes is longer than the field's maxBytes ${maxBytes}`)
        return ok(v)
      },
      accepts: (v) => typeof v === 'string' && withinBytes(v, maxBytes) && wellFormed(v),
    })
  },
  /** One of a fixed set of strings. */
  enum<const V extends readonly [string, ...string[]]>(values: V): FieldBuilder<V[number], 'string'> {
    const allowed = new Set<string>(values)
    const accepts = (v: unknown): v is V[number] => typeof v === 'string' && allowed.has(v)
    return fieldBuilder<V[number], 'string'>({
      kind: 'string',
      values,
      clickhouseType: 'String',
      graphqlType: 'String',
      parse: (v) => (accepts(v) ? ok(v) : fail(`expected one of ${values.join(', ')}, got ${JSON.stringify(v) ?? describe(v)}`)),
      accepts,
    })
  },
  /** An integer within JavaScript's safe range (ClickHouse Int64). */
  int64(): FieldBuilder<number, 'int'> {
    const accepts = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v)
    return fieldBuilder<number, 'int'>({
      kind: 'int',
      clickhouseType: 'Int64',
      graphqlType: 'Float',
      parse: (v) => (accepts(v) ? ok(v) : fail(`expected a safe integer, got ${JSON.stringify(v) ?? describe(v)}`)),
      accepts,
    })
  },
  /** A finite double (ClickHouse Float64). NaN and infinities are rejected. */
  float64(): FieldBuilder<number, 'float'> {
    const accepts = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v)
    return fieldBuilder<number, 'float'>({
      kind: 'float',
      clickhouseType: 'Float64',
      graphqlType: 'Float',
      parse: (v) => (accepts(v) ? ok(v) : fail(`expected a finite number, got ${JSON.stringify(v) ?? describe(v)}`)),
      accepts,
    })
  },
  boolean(): FieldBuilder<boolean, 'bool'> {
    const accepts = (v: unknown): v is boolean => typeof v === 'boolean'
    return fieldBuilder<boolean, 'bool'>({
      kind: 'bool',
      clickhouseType: 'UInt8',
      graphqlType: 'Boolean',
      parse: (v) => (accepts(v) ? ok(v) : fail(`expected a boolean, got ${describe(v)}`)),
      accepts,
    })
  },
  /**
   * The event time: epoch milliseconds or an ISO-8601 string with a zone, normalized to
   * epoch milliseconds (ClickHouse Int64, so that every server version computes windows alike).
   * Always required: an event without its time has no window.
   */
  eventTime(): FieldType<number, 'time'> {
    return {
      kind: 'time',
      clickhouseType: 'Int64',
      graphqlType: 'DateTime',
      parse: (v) => {
        let ms: number
        if (typeof v === 'number') ms = v
        else if (typeof v === 'string' && /(Z|[+-]\d\d:?\d\d)$/.test(v)) ms = Date.parse(v)
        else return fail(`expected epoch milliseconds or an ISO-8601 time with a zone, got ${JSON.stringify(v) ?? describe(v)}`)
        if (!Number.isSafeInteger(ms) || ms < 0 || ms >= MAX_EVENT_TIME) return fail(`event time out of range: ${JSON.stringify(v)}`)
        return ok(ms)
      },
      // Only epoch milliseconds are already in parsed form; ISO strings go through parse.
      accepts: (v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v < MAX_EVENT_TIME,
    }
  },
}
