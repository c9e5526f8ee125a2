/**
 * The functions of Twinflow's expression language. Each has one meaning, defined by Twinflow
 * (core's `compileCall` in JavaScript, the batch layer's `compileCallSql` in ClickHouse SQL) and
 * held equal by the random-view property test; see README "Declaring a pipeline" for each one's
 * rules (ASCII case mapping, code-point lengths, rounding half up, UTC or a named time zone).
 */
export const FUNCTION_NAMES = [
  'isNull',
  'coalesce',
  'if',
  'lower',
  'upper',
  'trim',
  'length',
  'substring',
  'concat',
  'startsWith',
  'endsWith',
  'contains',
  'replace',
  'abs',
  'round',
  'floor',
  'ceil',
  'mod',
  'least',
  'greatest',
  'hour',
  'dayOfWeek',
  'date',
  'month',
  'year',
  'toInt',
  'toFloat',
  'toString',
  'parseInt',
  'inSample',
] as const

export type FunctionName = (typeof FUNCTION_NAMES)[number]
