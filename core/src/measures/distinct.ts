import { TwinflowError } from '../errors/twinflow-error.ts'
import type { Expr } from '../expr/expr.ts'
import { hllEstimate } from '../sketch/hll-estimate.ts'
import { hllRegister } from '../sketch/hll-register.ts'
import { sharedSql } from '../sql/shared-sql.ts'
import type { CellSpec } from './cell.ts'
import type { Measure } from './measure.ts'

export interface DistinctOptions {
  /**
   * 2^precision registers (4 to 16): relative standard error about 1.04 / sqrt(2^precision), and a
   * group's sketch is up to 2^precision bytes in the realtime store. @default 12 (4096 registers, 1.6 %)
   */
  precision?: number
}

/**
 * The number of distinct values of an expression (a string, integer, time or boolean; nulls
 * skipped), estimated by a HyperLogLog sketch whose hashing Twinflow defines (see hllRegister):
 * the batch layer's SQL and the speed layer's JavaScript build identical registers, so sketches of
 * any windows, partitions and layers merge into exactly the sketch of one pass.
 */
export function distinct(arg: Expr, options: DistinctOptions = {}): Measure<number> {
  const precision = options.precision ?? 12
  if (!Number.isInteger(precision) || precision < 4 || precision > 16) throw new TwinflowError('config', `distinct() precision must be an integer from 4 to 16, got ${precision}`)
  const kind = arg.node.type
  if (kind === 'float')
    throw new TwinflowError('config', 'distinct() of a float is not supported (its text differs between ClickHouse and JavaScript): round it and use toInt() first')
  const text = (v: unknown): string => (kind === 'string' ? (v as string) : kind === 'bool' ? (v ? '1' : '0') : String(v))
  const nullable = arg.node.nullable === true
  const cell: CellSpec = {
    name: 'hll',
    op: 'registers',
    numeric: 'int',
    precision,
    columnType: 'Array(UInt32)',
    sqlAggregate: (sql) => {
      const arg = sharedSql(sql!)
      const textSql = kind === 'string' ? arg.first : kind === 'bool' ? `toString(toUInt8(${arg.first}))` : `toString(${arg.first})`
      const hash = sharedSql(`sipHash64(${textSql})`)
      const rest = sharedSql(`bitShiftRight(${hash.again}, ${precision})`)
      // index * 64 + rank; rank = 1 + trailing zeros of the rest: the log2 of its lowest set bit
      // (exact for a power of two). Both branches of if() are computed, and current releases refuse
      // toUInt8(-inf or nan): the log2 is of 1 where the rest is 0, and 0 where it is NULL (a NULL
      // constant's hidden value is nan there).
      const lowest = `bitOr(bitAnd(${rest.again}, bitNot(${rest.again}) + 1), toUInt64(${rest.again} = 0))`
      const register = `toUInt32((bitAnd(${hash.first}, ${2 ** precision - 1}) * 64) + if(${rest.first} = 0, ${65 - precision}, toUInt8(ifNull(log2(toFloat64(${lowest})), 0.0)) + 1))`
      const set = nullable ? `groupUniqArrayIf(assumeNotNull(${register}), isNotNull(${arg.again}))` : `groupUniqArray(${register})`
      // Every (index, rank) seen, highest first; keep the first of each index, then ascending.
      const descending = sharedSql(`arrayReverseSort(${set})`)
      return `arrayReverse(arrayFilter((_r, _f) -> _f = 1, ${descending.first}, arrayEnumerateUniq(arrayMap(_r -> intDiv(_r, 64), ${descending.again}))))`
    },
    lift: (v) => (v === null || v === undefined ? 0 : hllRegister(text(v), precision)),
  }
  return {
    kind: 'distinct',
    arg: arg.node,
    cells: [cell],
    resultType: 'int',
    nullable: false,
    finalizeSql: null,
    finalize: (c, at) => hllEstimate(c[at] as readonly number[], precision),
  }
}
