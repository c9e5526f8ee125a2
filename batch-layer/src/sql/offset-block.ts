/** A block of a partition's offsets: offsets [block × LEDGER_BLOCK, (block + 1) × LEDGER_BLOCK) of partition `partition`. */
export interface OffsetBlock {
  partition: number
  block: number
}
