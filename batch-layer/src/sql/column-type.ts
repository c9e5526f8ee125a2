import type { ValueKind } from '@twinflow/core'

/** ClickHouse column type of a view key or a computed value of this kind (bool keys are UInt8 0/1). */
export function columnType(kind: ValueKind | 'int' | 'float'): string {
  switch (kind) {
    case 'string':
      return 'String'
    case 'int':
    case 'time':
      return 'Int64'
    case 'float':
      return 'Float64'
    case 'bool':
      return 'UInt8'
  }
}
