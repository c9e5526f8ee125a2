import { alertRange, changeRatio, comparable, emptyCells, measureValue, zScore, type AlertDef, type Scalar } from '@twinflow/core'
import type { AnswerLimits } from '../query/answer-limits.ts'
import { SplitPlan } from '../query/split-plan.ts'
import { TopPlan } from '../query/top-plan.ts'
import type { RangeRead, ViewReader } from '../read/view-reader.ts'

/** A group's value as a rule compares it. */
export interface AlertGroupValue {
  group: Record<string, Scalar>
  /** What the rule compares with its threshold (the measure, its change or its z-score); null: none. */
  value: number | null
}

/** What one evaluation of a rule read: the range and each group's compared value. */
export interface AlertReading {
  range: { from: number; to: number }
  groups: AlertGroupValue[]
}

/**
 * Reads what alert rules compare, through the serving layer's own read and merge: the same
 * ViewReader (the batch version below the cutoff, the speed layer from it on, checked at the
 * boundary) and the same plans as the API's `<view>Top` (per group: every group totalled over
 * the range) and `<view>Split(splitBy: [])` (the total), so that an alert and a query of the same
 * range at the same moment never disagree. A rule's ranges (now, the same range `change` before,
 * the `zScore` ranges before) are read together, one read per view and layer.
 *
 * A group that has no row in a range has the measure's value of no events there (a count or a sum
 * of 0; no value for an average); the groups read are those with rows in the range now, and
 * `known` ones (those with an alert state).
 */
export class AlertReader {
  constructor(
    private readonly reader: ViewReader,
    private readonly limits: AnswerLimits,
  ) {}

  async read(rule: AlertDef, now: number, known: readonly Record<string, Scalar>[] = []): Promise<AlertReading> {
    const range = alertRange(rule, now)
    const offsets =
      rule.compare.kind === 'value' ? [0] : rule.compare.kind === 'change' ? [0, rule.compare.vsMs] : Array.from({ length: rule.compare.samples + 1 }, (_, i) => i * rule.rangeMs)
    const perRange = await this.#readRanges(
      rule,
      offsets.map((o) => ({ from: range.from - o, to: range.to - o })),
    )
    const [current, ...before] = perRange
    const ids = new Map<string, Record<string, Scalar>>()
    for (const group of [...current!.keys()].map((id) => JSON.parse(id) as [string, Scalar][]).map((entries) => Object.fromEntries(entries))) ids.set(groupId(group), group)
    for (const group of known) if (!ids.has(groupId(group))) ids.set(groupId(group), group)
    if (rule.per === 'total' && ids.size === 0) ids.set(groupId({}), {})
    const none = this.#noEvents(rule)
    const valueIn = (values: Map<string, number | null>, id: string) => (values.has(id) ? values.get(id)! : none)
    const groups = [...ids].map(([id, group]): AlertGroupValue => {
      const now = valueIn(current!, id)
      const value =
        rule.compare.kind === 'value'
          ? now
          : rule.compare.kind === 'change'
            ? changeRatio(now, valueIn(before[0]!, id))
            : zScore(
                now,
                before.map((values) => valueIn(values, id)),
              )
      return { group, value }
    })
    return { range, groups }
  }

  /** Per range: the measure's value per group id (`groupId`), through the API's plans. */
  async #readRanges(rule: AlertDef, ranges: { from: number; to: number }[]): Promise<Map<string, number | null>[]> {
    const view = rule.view
    const keyFilter = rule.where
    if (rule.per === 'total') {
      const plans = ranges.map((r) => new SplitPlan(view, { view: view.name, ...r, keyFilter, measure: rule.measure, splitBy: [], top: 1 }, this.limits))
      const reads: RangeRead[] = plans.map((plan, i) => ({ view: view.name, ...ranges[i]!, bucket: plan.bucketing, ...(plan.keys ? { keys: plan.keys } : {}) }))
      const snapshots = await this.reader.readMany(reads)
      return plans.map((plan, i) => {
        const [series] = plan.answer(snapshots[i]!).series
        return new Map(series ? [[groupId({}), comparable(series.total)]] : [])
      })
    }
    // The groups nearest the threshold's side first, should there be more than maxRows.
    const direction = rule.direction === 'above' ? 'DESC' : 'ASC'
    const plans = ranges.map((r) => new TopPlan(view, { view: view.name, ...r, keyFilter, by: rule.measure, direction, limit: this.limits.maxRows }, this.limits))
    const reads: RangeRead[] = plans.map((plan, i) => ({ view: view.name, ...ranges[i]!, bucket: plan.bucketing, ...(plan.keys ? { keys: plan.keys } : {}) }))
    const snapshots = await this.reader.readMany(reads)
    return plans.map((plan, i) => {
      const values = new Map<string, number | null>()
      for (const row of plan.answer(snapshots[i]!).rows) {
        const group = Object.fromEntries(view.keys.map((k) => [k.name, row[k.name] as Scalar | null]))
        values.set(groupId(group), comparable(row[rule.measure]))
      }
      return values
    })
  }

  /** The rule's measure over no events (the monoid's identity, finalized). */
  #noEvents(rule: AlertDef): number | null {
    const measure = rule.view.measures.find((m) => m.name === rule.measure)!
    return comparable(measureValue(measure, { windowStart: 0, keys: [], cells: emptyCells(rule.view) }))
  }
}

/** One id per group: its keys' entries in the view's key order, as JSON. */
function groupId(group: Record<string, Scalar | null>): string {
  return JSON.stringify(Object.entries(group))
}
