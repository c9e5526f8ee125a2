import { TwinflowError } from '../errors/twinflow-error.ts'
import type { FieldType, InvalidPolicy } from './field-type.ts'
import type { ValueKind } from './value-kind.ts'

/** A built-in field type with the modifiers of missing and invalid values. */
export interface FieldBuilder<T, K extends ValueKind> extends FieldType<T, K> {
  /** A missing value (absent or JSON null) is null instead of a dead letter. */
  optional(): FieldBuilder<T | null, K>
  /** A missing value (absent or JSON null) is `value` instead of a dead letter. */
  default(value: Exclude<T, null>): FieldBuilder<Exclude<T, null>, K>
  /**
   * What a value that is present but invalid becomes: a dead letter (the default), null (an
   * optional field) or the default (a field with one). For scraped data whose fields are sometimes
   * junk ("N/A" for a price).
   */
  onInvalid(policy: InvalidPolicy): FieldBuilder<T, K>
}

/**
 * Adds the modifiers to a field type. `parse` of the result answers the field's policies: null and
 * undefined give null or the default where the field has one, an invalid value gives what
 * `onInvalid` says. `accepts` stays the base type's (and accepts null for an optional field).
 */
export function fieldBuilder<T, K extends ValueKind>(base: FieldType<T, K>): FieldBuilder<T, K> {
  const { nullable, defaultValue, invalidPolicy: onInvalid = 'dead-letter' } = base
  const missing = nullable === true ? { value: null } : defaultValue !== undefined ? { value: defaultValue } : null
  const parse = (value: unknown): ReturnType<FieldType<T, K>['parse']> => {
    if (missing && (value === null || value === undefined)) return { ok: true, value: missing.value as T }
    const parsed = base.parse(value)
    if (parsed.ok || onInvalid === 'dead-letter') return parsed
    return { ok: true, value: (onInvalid === 'null' ? null : defaultValue) as T }
  }
  const baseAccepts = base.accepts
  const accepts = baseAccepts && nullable === true ? (value: unknown) => value === null || baseAccepts(value) : baseAccepts
  const built: FieldBuilder<T, K> = {
    ...base,
    parse: base.nullable === undefined && base.defaultValue === undefined && base.invalidPolicy === undefined ? base.parse : parse,
    ...(accepts ? { accepts } : {}),
    optional() {
      return fieldBuilder<T | null, K>({ ...(base as FieldType<T | null, K>), nullable: true, defaultValue: undefined, ...rawOf(base) })
    },
    default(value) {
      const checked = base.parse(value)
      if (!checked.ok || checked.value !== value)
        throw new TwinflowError('config', `default ${JSON.stringify(value)} is not a valid value of the field${checked.ok ? '' : `: ${checked.reason}`}`)
      return fieldBuilder<Exclude<T, null>, K>({
        ...(base as unknown as FieldType<Exclude<T, null>, K>),
        nullable: false,
        defaultValue: value as never,
        ...(rawOf(base) as unknown as Pick<FieldType<Exclude<T, null>, K>, 'parse' | 'accepts'>),
      })
    },
    onInvalid(policy) {
      if (policy === 'null' && nullable !== true) throw new TwinflowError('config', "onInvalid('null') needs an optional field: add .optional()")
      if (policy === 'default' && defaultValue === undefined) throw new TwinflowError('config', "onInvalid('default') needs a default: add .default(value)")
      if (policy !== 'null' && policy !== 'default' && policy !== 'dead-letter')
        throw new TwinflowError('config', `onInvalid takes 'dead-letter', 'null' or 'default', got ${JSON.stringify(policy)}`)
      return fieldBuilder<T, K>({ ...base, invalidPolicy: policy, ...rawOf(base) })
    },
  }
  RAW.set(built, rawOf(base))
  return built
}

/** The base parse and accepts of a built field, before its policies wrapped them. */
const RAW = new WeakMap<object, Pick<FieldType, 'parse' | 'accepts'>>()

function rawOf<T, K extends ValueKind>(type: FieldType<T, K>): Pick<FieldType<T, K>, 'parse' | 'accepts'> {
  return (RAW.get(type) as Pick<FieldType<T, K>, 'parse' | 'accepts'> | undefined) ?? { parse: type.parse, accepts: type.accepts }
}
