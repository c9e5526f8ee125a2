/**
 * The value kinds an expression can have. `int` is a JS safe integer (ClickHouse Int64),
 * `float` a double (Float64), `time` an event time in epoch milliseconds (Int64), `bool` a boolean
 * (ClickHouse UInt8 0/1), `string` UTF-8 text.
 */
export type ValueKind = 'string' | 'int' | 'float' | 'bool' | 'time'

export type Scalar = string | number | boolean

export type NumericKind = 'int' | 'float' | 'time'

export function isNumericKind(kind: ValueKind): kind is NumericKind {
  return kind === 'int' || kind === 'float' || kind === 'time'
}
