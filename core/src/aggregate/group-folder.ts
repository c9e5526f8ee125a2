import { cellIdentity, type CellValue } from '../measures/cell.ts'
import { BucketAccumulator, NO_BUCKET } from '../sketch/bucket-accumulator.ts'
import { RegisterAccumulator } from '../sketch/register-accumulator.ts'
import type { ViewDef } from '../view/define-view.ts'

/** A group's cells while events are folded into it: numbers, and an accumulator per sketch cell. */
export type GroupState = (number | RegisterAccumulator | BucketAccumulator)[]

/**
 * How the events of a batch fold into the cells of a group of a view (the speed layer's
 * pre-aggregation): numeric cells by their sum, min or max, sketch cells into accumulators (a
 * register array, a map of bucket counts) that give the sketch's canonical list at the end. Each
 * event contributes one number per cell (see CellSpec.lift).
 */
export interface GroupFolder {
  /** The state of a group of one event. */
  start(contributions: readonly number[]): GroupState
  /** Adds one event's contributions. */
  add(state: GroupState, contributions: readonly number[]): void
  /** The group's cell states (canonical lists for sketches). */
  cells(state: GroupState): CellValue[]
}

const SUM = 0
const MIN = 1
const MAX = 2
const REGISTERS = 3
const BUCKETS = 4

export function compileGroupFolder(view: ViewDef): GroupFolder {
  const specs = view.cells.map((c) => c.spec)
  const ops = specs.map((s) => ({ sum: SUM, min: MIN, max: MAX, registers: REGISTERS, buckets: BUCKETS })[s.op])
  const sketches = ops.some((op) => op >= REGISTERS)
  const add = (state: GroupState, contributions: readonly number[]) => {
    for (let i = 0; i < ops.length; i++) {
      const v = contributions[i]!
      switch (ops[i]) {
        case SUM:
          ;(state[i] as number) += v
          break
        case MIN:
          if (v < (state[i] as number)) state[i] = v
          break
        case MAX:
          if (v > (state[i] as number)) state[i] = v
          break
        case REGISTERS:
          ;(state[i] as RegisterAccumulator).add(v)
          break
        default:
          ;(state[i] as BucketAccumulator).add(v)
      }
    }
  }
  return {
    start(contributions) {
      if (!sketches) return contributions.slice()
      const state: GroupState = ops.map((op, i) =>
        op === REGISTERS ? new RegisterAccumulator(specs[i]!.precision!) : op === BUCKETS ? new BucketAccumulator() : (cellIdentity(specs[i]!.op) as number),
      )
      add(state, contributions)
      return state
    },
    add,
    cells(state) {
      if (!sketches) return (state as number[]).slice()
      return state.map((s) => (typeof s === 'number' ? s : s instanceof RegisterAccumulator ? s.registers() : s.buckets()))
    },
  }
}

/** The cell states of one event's contributions alone (a sketch's one register or bucket as its list). */
export function eventCells(view: ViewDef, contributions: readonly number[]): CellValue[] {
  return view.cells.map((c, i) => {
    const v = contributions[i]!
    if (c.spec.op === 'registers') return v === 0 ? [] : [v]
    if (c.spec.op === 'buckets') return v === NO_BUCKET ? [] : [v, 1]
    return v
  })
}
