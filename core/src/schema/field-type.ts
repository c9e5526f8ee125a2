import type { ValueKind } from './value-kind.ts'

/**
 * One field of a stream schema. `T` is the TypeScript type of the validated value.
 * `parse` turns a decoded JSON value into `T` or returns an error reason (a string).
 */
export interface FieldType<T = unknown, K extends ValueKind = ValueKind> {
  readonly kind: K
  /** For enums: the allowed values. */
  readonly values?: readonly string[]
  /** For strings: the longest value accepted, in UTF-8 bytes. */
  readonly maxBytes?: number
  /** ClickHouse column type of the master table. */
  readonly clickhouseType: string
  /** GraphQL scalar type name. */
  readonly graphqlType: 'String' | 'Float' | 'Boolean' | 'DateTime'
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
