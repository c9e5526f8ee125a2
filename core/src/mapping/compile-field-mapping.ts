import { TwinflowError } from '../errors/twinflow-error.ts'
import { parseOptions } from '../options/parse-options.ts'
import type { StreamDef } from '../schema/define-stream.ts'
import { compileTimestamp } from './compile-timestamp.ts'
import { type ConvertResult, converterOf } from './convert-value.ts'
import { type FieldMapping, type FieldMappingInput, fieldMappingSchema } from './field-mapping-options.ts'

/** A mapped record: the event for the stream's decoder, or why the record cannot be mapped (`mapping: field "x": ...`). */
export type MappingResult = { ok: true; event: Record<string, unknown> } | { ok: false; reason: string }

/** A compiled mapping: one input record (an object of input names) to an event of the stream. */
export type RecordMapper = (record: Record<string, unknown>) => MappingResult

interface FieldPlan {
  name: string
  /** Where its value comes from in the input. */
  source: string
  /** Its input is dropped: the field is left out (the validator says it is missing), unless a constant. */
  skip: boolean
  constant: unknown
  hasConstant: boolean
  convert: (value: unknown) => ConvertResult
  /** The field has `onInvalid('null' | 'default')`: a value that does not convert goes to its validator as it is. */
  lenient: boolean
}

/**
 * Compiles a field mapping for a stream. `spec` is parsed with parseOptions (so a raw JSON value
 * may be given) and checked against the stream: every renamed target, constant and timestamp names
 * a field, a constant is a valid value of its field, a pattern reads back what it writes. A bad spec
 * is a `config` error naming the key under `where` (e.g. `mapping.rename.order_id`).
 *
 * The mapper never throws: a value it cannot map is `{ ok: false, reason }`. It produces every field
 * it finds (values converted to the declared kinds); a field it does not find is left out, so the
 * stream's validator says it is missing. Unknown input names are ignored unless `strict`.
 */
export function compileFieldMapping(stream: StreamDef, spec: FieldMappingInput | FieldMapping | unknown = {}, where = 'mapping'): RecordMapper {
  const mapping = parseOptions(fieldMappingSchema, spec ?? {}, where, `${where} of stream "${stream.name}"`)
  const fields = Object.keys(stream.fields)
  const problems: string[] = []
  const isField = (n: string) => Object.hasOwn(stream.fields, n)
  const notAField = (key: string, n: string) => problems.push(`  - ${key}: "${n}" is not a field of stream "${stream.name}" (fields: ${fields.join(', ')})`)

  const sourceOf = new Map<string, string>()
  for (const [input, field] of Object.entries(mapping.rename)) {
    if (!isField(field)) notAField(`${where}.rename.${input}`, field)
    else if (sourceOf.has(field)) problems.push(`  - ${where}.rename.${input}: "${sourceOf.get(field)}" is renamed to "${field}" too; one input per field`)
    else sourceOf.set(field, input)
    if (mapping.drop.includes(input)) problems.push(`  - ${where}.drop: "${input}" is both renamed and dropped`)
  }
  const plans: FieldPlan[] = []
  for (const field of fields) {
    const type = stream.fields[field]!
    const format = mapping.timestamps[field]
    let convert = converterOf(type)
    if (format !== undefined) {
      if (type.kind !== 'time' && type.kind !== 'int') {
        problems.push(`  - ${where}.timestamps.${field}: field "${field}" is a ${type.kind}, not a time or an integer`)
      } else {
        try {
          const parse = compileTimestamp(format)
          const epochMs = (typeof format === 'string' ? format : format.format) === 'epoch-ms'
          convert = (value) => {
            // The usual JSON case, already epoch ms.
            if (epochMs && Number.isSafeInteger(value)) return { ok: true, value }
            const t = parse(value)
            return t.ok ? { ok: true, value: t.ms } : t
          }
        } catch (error) {
          problems.push(`  - ${where}.timestamps.${field}: ${(error as Error).message}`)
        }
      }
    }
    const source = sourceOf.get(field) ?? field
    const lenient = type.invalidPolicy === 'null' || type.invalidPolicy === 'default'
    const plan: FieldPlan = { name: field, source, skip: mapping.drop.includes(source), constant: undefined, hasConstant: false, convert, lenient }
    if (Object.hasOwn(mapping.constants, field)) {
      const converted = convert(mapping.constants[field])
      const parsed = converted.ok ? type.parse(converted.value) : converted
      if (!parsed.ok) problems.push(`  - ${where}.constants.${field}: ${parsed.reason}`)
      else Object.assign(plan, { constant: parsed.value, hasConstant: true })
    }
    plans.push(plan)
  }
  for (const key of Object.keys(mapping.constants)) if (!isField(key)) notAField(`${where}.constants.${key}`, key)
  for (const key of Object.keys(mapping.timestamps)) if (!isField(key)) notAField(`${where}.timestamps.${key}`, key)
  if (problems.length > 0) throw new TwinflowError('config', `invalid ${where} of stream "${stream.name}":\n${problems.join('\n')}`, { context: { stream: stream.name } })

  const known = mapping.strict ? new Set([...fields.filter((f) => !sourceOf.has(f)), ...sourceOf.values(), ...mapping.drop]) : null
  return (record) => {
    if (known !== null) {
      for (const key in record) {
        if (Object.hasOwn(record, key) && !known.has(key)) return { ok: false, reason: `mapping: unknown input field ${JSON.stringify(key)} (the mapping is strict)` }
      }
    }
    const event: Record<string, unknown> = {}
    for (let i = 0; i < plans.length; i++) {
      const plan = plans[i]!
      if (plan.hasConstant) {
        event[plan.name] = plan.constant
        continue
      }
      if (plan.skip) continue
      const raw = record[plan.source]
      // null (a Parquet or JSON null) is no value: the field is missing.
      if (raw === undefined || raw === null) continue
      const converted = plan.convert(raw)
      // A field with an invalid-value policy gets the value as it is: its validator applies the policy.
      if (!converted.ok && plan.lenient) {
        event[plan.name] = raw
        continue
      }
      if (!converted.ok) return { ok: false, reason: `mapping: field "${plan.name}"${plan.source === plan.name ? '' : ` (input "${plan.source}")`}: ${converted.reason}` }
      event[plan.name] = converted.value
    }
    return { ok: true, event }
  }
}
