import { mysqlTimeText } from './convert-values.ts'
import type { CursorKind, SqlDialect } from './sql-dialect.ts'

/** A cursor value as MySQL compares it with its column: integers unquoted (exact beyond 2^53), times in the server's form. */
function bind(value: string, kind: CursorKind): unknown {
  if (kind === 'int') return BigInt(value)
  if (kind === 'time') return mysqlTimeText(value)
  return value
}

/**
 * MySQL and MariaDB: `` `quoted` `` names, `?` parameters, the keyset expanded as
 * `a >= ? AND (a > ? OR b > ?)`: the first term is a range on the index's first column, which
 * both servers' optimizers use (they do not all turn a row comparison into a range).
 */
export const mysqlDialect: SqlDialect = {
  name: 'mysql',
  quote: (name) => `\`${name.replaceAll('`', '``')}\``,
  after(columns, after, kinds, push) {
    const [a, b] = columns
    const va = bind(after[0]!, kinds[0]!)
    if (b === undefined) return `${a} > ${push(va)}`
    const vb = bind(after[1]!, kinds[1]!)
    return `${a} >= ${push(va)} AND (${a} > ${push(va)} OR ${b} > ${push(vb)})`
  },
  atOrBelow(columns, after, kinds, push) {
    const [a, b] = columns
    const va = bind(after[0]!, kinds[0]!)
    if (b === undefined) return `${a} <= ${push(va)}`
    const vb = bind(after[1]!, kinds[1]!)
    return `${a} <= ${push(va)} AND (${a} < ${push(va)} OR ${b} <= ${push(vb)})`
  },
  olderThan: (column, lagMs) => `${column} <= CURRENT_TIMESTAMP(6) - INTERVAL ${Math.trunc(lagMs) * 1000} MICROSECOND`,
  newerThan: (column, ms) => `${column} > CURRENT_TIMESTAMP(6) - INTERVAL ${Math.trunc(ms) * 1000} MICROSECOND`,
}
