import { type FieldMapping, type FieldType, fieldMappingSchema, parseOptions, type StreamDef } from '@twinflow/core'
import { escapeTsv } from '@twinflow/batch-layer'

/** The TabSeparated text of one field's input value, or null when only the general path can judge it. */
type FieldText = (raw: unknown) => string | null

/** The longest digit string that is always a safe integer (2^53 - 1 has 16 digits). */
const MAX_SAFE_DIGITS = 15

/**
 * The fast path of a load: a record's fields straight to their TabSeparated text (masterTsv's
 * `fields`), without the mapped event, the decoded event or the row object. It vouches only for
 * what the general path (compileFieldMapping, then compileValueDecoder at `logTime`) accepts
 * unchanged, and writes what the general path would store:
 * - string and enum fields: a string the type `accepts`;
 * - int: a canonical decimal integer (`-`?, no leading zero, no `-0`) of at most 15 digits;
 * - time: the same without a sign, that the type accepts and within the stream's future skew;
 * - float: a string that reads back as itself (`String(Number(s)) === s`), finite;
 * - bool: exactly `true`, `false`, `1` or `0`.
 * Any other value (a missing or empty one, a number to convert, a bad one) returns null: the caller
 * sends that record through the general path, which says why it is bad, if it is. So both paths
 * store the same rows and give the same reasons for the same input.
 *
 * Returns null (no fast path) for a mapping with constants, timestamp formats, `strict`, a field
 * whose input is dropped, or a stream with personal fields (which must be masked): those records
 * take the general path.
 */
export function compileFastTsvFields(stream: StreamDef, mappingInput: unknown, logTime: number): ((value: Record<string, unknown>) => string | null) | null {
  const mapping: FieldMapping = parseOptions(fieldMappingSchema, mappingInput ?? {}, 'mapping')
  if (mapping.strict || Object.keys(mapping.constants).length > 0 || Object.keys(mapping.timestamps).length > 0) return null
  if (Object.values(stream.fields).some((type) => type.piiPolicy !== undefined)) return null
  const sourceOf = new Map<string, string>()
  for (const [input, field] of Object.entries(mapping.rename)) sourceOf.set(field, input)
  const sources: string[] = []
  const texts: FieldText[] = []
  for (const [name, type] of Object.entries(stream.fields)) {
    const source = sourceOf.get(name) ?? name
    if (mapping.drop.includes(source)) return null
    const text = fieldText(type, name === stream.timeField ? logTime + stream.maxFutureSkewMs : Number.POSITIVE_INFINITY)
    if (text === null) return null
    sources.push(source)
    texts.push(text)
  }
  return compileFields(sources, texts)
}

/**
 * The record's fields joined by tabs, or null. Generated with a constant property name and its own
 * call per field (as core's compileValidator does), so that V8 sees one shape at each load and one
 * function at each call; a loop where code generation from strings is disallowed.
 */
function compileFields(sources: readonly string[], texts: readonly FieldText[]): (value: Record<string, unknown>) => string | null {
  const n = sources.length
  const loop = (value: Record<string, unknown>) => {
    let line = ''
    for (let i = 0; i < n; i++) {
      const text = texts[i]!(value[sources[i]!])
      if (text === null) return null
      line = i === 0 ? text : `${line}\t${text}`
    }
    return line
  }
  const params = texts.map((_, i) => `t${i}`)
  const checks = sources.map((source, i) => `const v${i} = t${i}(r[${JSON.stringify(source)}]); if (v${i} === null) return null`)
  const line = sources.map((_, i) => `\${v${i}}`).join('\\t')
  try {
    const make = new Function(...params, `return function fastFields(r) { ${checks.join('; ')}; return \`${line}\` }`) as (
      ...fns: FieldText[]
    ) => (value: Record<string, unknown>) => string | null
    return make(...texts)
  } catch {
    return loop
  }
}

/** The fast text of a field type; null when the type gives no way to vouch for a value (no `accepts`). */
function fieldText(type: FieldType, latest: number): FieldText | null {
  const accepts = type.accepts
  if (accepts === undefined) return null
  switch (type.kind) {
    case 'string':
      return (raw) => (typeof raw === 'string' && accepts(raw) ? escapeTsv(raw) : null)
    case 'int':
      return (raw) => (typeof raw === 'string' && isCanonicalInteger(raw, true) && accepts(Number(raw)) ? raw : null)
    case 'time':
      return (raw) => {
        if (typeof raw !== 'string' || !isCanonicalInteger(raw, false)) return null
        const ms = Number(raw)
        return accepts(ms) && ms <= latest ? raw : null
      }
    case 'float':
      return (raw) => {
        if (typeof raw !== 'string') return null
        const n = Number(raw)
        return Number.isFinite(n) && String(n) === raw && accepts(n) ? raw : null
      }
    case 'bool':
      return (raw) => (raw === 'true' || raw === '1' ? (accepts(true) ? '1' : null) : raw === 'false' || raw === '0' ? (accepts(false) ? '0' : null) : null)
    default:
      return null
  }
}

/** Digits only (after a `-` where `signed`), no leading zero, not `-0`, at most 15 digits: the text Number() then String() give back. */
function isCanonicalInteger(text: string, signed: boolean): boolean {
  let i = signed && text.charCodeAt(0) === 45 ? 1 : 0
  const digits = text.length - i
  if (digits < 1 || digits > MAX_SAFE_DIGITS) return false
  if (text.charCodeAt(i) === 48) return digits === 1 && i === 0
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c < 48 || c > 57) return false
  }
  return true
}
