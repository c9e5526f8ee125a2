import type { CellOp } from '../measures/cell.ts'
import { sharedSql } from './shared-sql.ts'

/**
 * The ClickHouse aggregate that merges a cell's column over the rows of a group, into the same
 * canonical value `combineCell` gives: sum, min or max of a number; for `registers` (HyperLogLog,
 * `index * 64 + rank` ascending) every entry of the lists, then the highest rank of each index,
 * ascending, as the batch build writes them; for `buckets` ((keys, counts)) the counts of equal
 * keys added, keys ascending (sumMap). It runs on ClickHouse 18.16 and on current releases.
 */
export function mergeCellSql(op: CellOp, column: string): string {
  switch (op) {
    case 'sum':
    case 'min':
    case 'max':
      return `${op}(${column})`
    case 'registers': {
      const descending = sharedSql(`arrayReverseSort(groupUniqArrayArray(${column}))`)
      return `arrayReverse(arrayFilter((_r, _f) -> _f = 1, ${descending.first}, arrayEnumerateUniq(arrayMap(_r -> intDiv(_r, 64), ${descending.again}))))`
    }
    case 'buckets':
      return `sumMap(tupleElement(${column}, 1), tupleElement(${column}, 2))`
  }
}
