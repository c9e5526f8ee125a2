import { TwinflowError } from '../errors/twinflow-error.ts'
import { HASHED_PII_BYTES, type PiiPolicy, type RedactOptions } from '../pii/pii-policy.ts'
import { REDACTED } from '../pii/redact-pii.ts'
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
  /**
   * A personal field of text (`t.string()` only), masked before its event is written anywhere (the
   * log, the master table, the realtime store, a dead letter, a log line): `hash` keeps a keyed
   * hash (HMAC-SHA256 with the config's `pii.secret`, 64 hex digits: equal values stay equal, so
   * they group, count and join), `redact` the last `keep` characters (4 unless given), `drop`
   * nothing (the field is always null).
   */
  pii(this: FieldBuilder<string | null, 'string'>, mode: 'hash'): FieldBuilder<T, K>
  pii(this: FieldBuilder<string | null, 'string'>, mode: 'redact', options?: RedactOptions): FieldBuilder<T, K>
  pii(this: FieldBuilder<string | null, 'string'>, mode: 'drop'): FieldBuilder<null, K>
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
      if (base.piiPolicy?.mode === 'drop') throw new TwinflowError('config', "a field declared pii('drop') is always null: it cannot have a default")
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
    pii(mode: PiiPolicy['mode'], options: RedactOptions = {}) {
      const policy = checkPiiPolicy(base, mode, options)
      const dropped = policy.mode === 'drop' ? { nullable: true, defaultValue: undefined, invalidPolicy: 'null' as const } : {}
      return fieldBuilder({ ...base, ...dropped, piiPolicy: policy, ...rawOf(base) }) as never
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

/** The policy `pii(mode, options)` declares on `type`, checked: text fields only, long enough for their masked values. */
function checkPiiPolicy(type: FieldType, mode: string, options: RedactOptions): PiiPolicy {
  if (type.kind !== 'string' || type.values !== undefined) throw new TwinflowError('config', 'pii() masks text: declare the field as t.string()')
  const maxBytes = type.maxBytes ?? Number.POSITIVE_INFINITY
  if (mode === 'hash') {
    if (maxBytes < HASHED_PII_BYTES)
      throw new TwinflowError('config', `pii('hash') stores ${HASHED_PII_BYTES} hex digits: the field's maxBytes must be at least ${HASHED_PII_BYTES}, got ${maxBytes}`)
    return { mode }
  }
  if (mode === 'drop') return { mode }
  if (mode !== 'redact') throw new TwinflowError('config', `pii takes 'hash', 'redact' or 'drop', got ${JSON.stringify(mode)}`)
  const keep = options.keep ?? 4
  if (!Number.isSafeInteger(keep) || keep < 0) throw new TwinflowError('config', `pii('redact', { keep }) needs a non-negative integer, got ${keep}`)
  const longest = REDACTED.length + 4 * keep
  if (maxBytes < longest)
    throw new TwinflowError('config', `pii('redact', { keep: ${keep} }) stores up to ${longest} bytes: the field's maxBytes must be at least that, got ${maxBytes}`)
  return { mode, keep }
}
