import { TwinflowError } from '../errors/twinflow-error.ts'
import type { Expr } from '../expr/expr.ts'
import { NO_BUCKET } from '../sketch/bucket-accumulator.ts'
import { bitsForRelativeError, bucketKey } from '../sketch/bucket-key.ts'
import { quantileOfBuckets } from '../sketch/quantile-of-buckets.ts'
import { sharedSql } from '../sql/shared-sql.ts'
import type { CellSpec } from './cell.ts'
import type { Measure, QuantileValues } from './measure.ts'

export interface QuantilesOptions {
  /**
   * The largest relative error of a quantile against the exact value of its rank (see
   * quantileOfBuckets); the sketch uses the fewest buckets per power of two that guarantee it.
   * @default 0.01 (64 buckets per power of two: at most 0.78 %)
   */
  relativeError?: number
}

/** The name a quantile is answered under: 0.5 → p50, 0.999 → p99_9. */
export function quantileName(q: number): string {
  return `p${String(Math.round(q * 1e6) / 1e4).replace('.', '_')}`
}

/**
 * Quantiles of a numeric expression (nulls skipped), e.g. `quantiles(e.latencyMs, [0.5, 0.95,
 * 0.99])`, from a mergeable relative-error sketch (DDSketch-like; see bucketKey): each answer is
 * within `relativeError` of the exact value of its rank, whatever the windows, partitions and
 * layers merged. The answer is an object { p50, p95, p99 } (null values without any value); it
 * cannot order rows.
 */
export function quantiles(arg: Expr<number | null>, qs: readonly number[], options: QuantilesOptions = {}): Measure<QuantileValues> {
  const kind = arg.node.type
  if (kind !== 'int' && kind !== 'float' && kind !== 'time') throw new TwinflowError('config', `quantiles() needs a numeric expression, got ${kind}`)
  if (qs.length === 0 || qs.some((q) => typeof q !== 'number' || !(q >= 0 && q <= 1)))
    throw new TwinflowError('config', `quantiles() needs quantiles from 0 to 1, got ${JSON.stringify(qs)}`)
  const relativeError = options.relativeError ?? 0.01
  if (!(relativeError > 0 && relativeError < 1)) throw new TwinflowError('config', `quantiles() relativeError must be between 0 and 1, got ${relativeError}`)
  const bits = bitsForRelativeError(relativeError)
  const named = qs.map((q) => ({ q, name: quantileName(q) }))
  if (new Set(named.map((n) => n.name)).size !== named.length) throw new TwinflowError('config', `quantiles() lists a quantile twice: ${JSON.stringify(qs)}`)
  const nullable = arg.node.nullable === true
  const cell: CellSpec = {
    name: 'dd',
    op: 'buckets',
    numeric: 'int',
    precision: bits,
    columnType: 'Tuple(Array(Int32), Array(UInt64))',
    sqlAggregate: (sql) => {
      const arg = sharedSql(sql!)
      const x = sharedSql(`toFloat64(${arg.first})`)
      const bitsOf = `reinterpretAsUInt64(reinterpretAsString(abs(${x.again})))`
      const key = `toInt32(if(${x.first} = 0, 0, if(${x.again} < 0, -1, 1) * (toInt64(bitShiftRight(${bitsOf}, ${52 - bits})) + 1)))`
      return nullable ? `sumMapIf([assumeNotNull(${key})], [toUInt64(1)], isNotNull(${arg.again}))` : `sumMap([${key}], [toUInt64(1)])`
    },
    lift: (v) => (v === null || v === undefined ? NO_BUCKET : bucketKey(v as number, bits)),
  }
  return {
    kind: 'quantiles',
    arg: arg.node,
    cells: [cell],
    resultType: 'quantiles',
    nullable: false,
    quantiles: named,
    finalizeSql: null,
    finalize: (c, at) => Object.fromEntries(named.map(({ q, name }) => [name, quantileOfBuckets(c[at] as readonly number[], q, bits)])),
  }
}
