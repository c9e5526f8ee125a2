import type { EventTimeWatermarks } from '@twinflow/core'
import type { OffsetBlock } from '../sql/offset-block.ts'

/** What one read of a stream's ledger says about the duplicates of its master table (see ledgerSql). */
export interface DuplicateCheck {
  /** Whether the ledger held exactly the master table's rows when it was read; when not, `suspects` says nothing. */
  exact: boolean
  /** The blocks of offsets that may hold a record twice (every other block holds each of its records once). */
  suspects: OffsetBlock[]
}

/** A stream's event-time watermarks and duplicate check, read together in one cheap statement. */
export interface MasterTableState {
  watermarks: EventTimeWatermarks
  duplicates: DuplicateCheck
}
