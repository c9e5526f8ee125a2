import type { PiiPolicy } from '../pii/pii-policy.ts'
import type { ValueKind } from './value-kind.ts'

/** What a field's validator does with a value that is present but not valid: reject the event, or keep it with null or the field's default. */
export type InvalidPolicy = 'dead-letter' | 'null' | 'default'

/**
 * One field of a stream schema. `T` is the TypeScript type of the validated value (with `null`
 * for an optional field). `parse` turns a decoded JSON value into `T` or returns an error reason.
 *
 * A missing field (absent, or JSON null) is a dead letter unless the field is `nullable` (it is
 * then null) or has a `defaultValue` (it is then that value); `parse` gets null and undefined
 * only for such fields, and answers what they mean.
 */
export interface FieldType<T = unknown, K extends ValueKind = ValueKind> {
  readonly kind: K
  /** For enums: the allowed values. */
  readonly values?: readonly string[]
  /** For strings: the longest value accepted, in UTF-8 bytes. */
  readonly maxBytes?: number
  /** ClickHouse column type of the master table, for a value (a nullable field's column is `Nullable(...)` of it). */
  readonly clickhouseType: string
  /** GraphQL scalar type name. */
  readonly graphqlType: 'String' | 'Float' | 'Boolean' | 'DateTime'
  /** A missing value is null (`t.string().optional()`). */
  readonly nullable?: boolean
  /** A missing value is this (`t.string().default('n/a')`). */
  readonly defaultValue?: Exclude<T, null>
  /** What an invalid value becomes. @default 'dead-letter' */
  readonly invalidPolicy?: InvalidPolicy
  /** A personal field: how it is masked before its event is written anywhere (`t.string().pii(...)`). */
  readonly piiPolicy?: PiiPolicy
  parse(value: unknown): { ok: true; value: T } | { ok: false; reason: string }
  /**
   * Optional fast path: true when `value` is valid AND already in its parsed form (parse would
   * return it unchanged). Validators call it first and fall back to `parse` when it says false,
   * so it must never accept what `parse` rejects or would change.
   */
  accepts?(value: unknown): boolean
  /** Phantom, for type inference only. */
  readonly __type?: T
}

export type FieldValue<F> = F extends FieldType<infer T, ValueKind> ? T : never
