import type { Pipeline, Scalar } from '@twinflow/core'
import type { ReadSession } from '../read/read-session.ts'
import type { AnswerLimits } from './answer-limits.ts'
import type { Granularity } from './granularity.ts'
import { SeriesPlan } from './series-plan.ts'
import { SplitPlan } from './split-plan.ts'
import { TopPlan } from './top-plan.ts'
import type { AnswerRow, SortDirection, SplitSeries } from './view-query.ts'

interface Selection {
  view: string
  from: number
  to: number
  keyFilter: Readonly<Record<string, readonly Scalar[]>>
}

/**
 * The answers of `<view>Top`, `<view>` and `<view>Split` for code in the process (reports,
 * alerts): the same plans and the same reads (a read session over the view reader: batch below
 * the cutoff, the speed layer above it) as the GraphQL fields, so a report and a query of the
 * same range agree; no HTTP, no GraphQL, no authentication (the process reads its own views).
 * Errors: the plans' `validation` errors (a range over `limits.maxRangeDays`...), the reads'.
 */
export class InProcessAnswers {
  constructor(
    private readonly pipeline: Pipeline,
    private readonly limits: AnswerLimits,
    private readonly newSession: () => ReadSession,
  ) {}

  async top(query: Selection & { by: string; direction: SortDirection; limit: number }): Promise<{ rows: AnswerRow[]; cutoff: number | null }> {
    const view = this.pipeline.view(query.view)
    const plan = new TopPlan(view, query, this.limits)
    const snapshot = await this.newSession().snapshot({ view: view.name, from: query.from, to: query.to, bucket: plan.bucketing, keys: plan.keys })
    const answer = plan.answer(snapshot)
    return { rows: answer.rows, cutoff: answer.publication?.cutoff ?? null }
  }

  async series(query: Selection & { granularity: string; limit: number }): Promise<{ rows: AnswerRow[]; totalCount: number | null; cutoff: number | null }> {
    const view = this.pipeline.view(query.view)
    const plan = new SeriesPlan(view, { ...query, granularity: query.granularity as Granularity, orderBy: [], after: null }, this.limits)
    const snapshot = await this.newSession().snapshot({ view: view.name, from: query.from, to: query.to, bucket: plan.bucketing, keys: plan.keys })
    const answer = plan.answer(snapshot)
    return { rows: answer.rows, totalCount: answer.totalCount, cutoff: answer.publication?.cutoff ?? null }
  }

  async split(
    query: Selection & { granularity: string; measure: string; splitBy: readonly string[]; top: number },
  ): Promise<{ windows: number[]; series: SplitSeries[]; cutoff: number | null }> {
    const view = this.pipeline.view(query.view)
    const plan = new SplitPlan(view, { ...query, granularity: query.granularity as Granularity, direction: 'DESC' }, this.limits)
    const snapshot = await this.newSession().snapshot({ view: view.name, from: query.from, to: query.to, bucket: plan.bucketing, keys: plan.keys })
    const answer = plan.answer(snapshot)
    return { windows: answer.windows, series: answer.series, cutoff: answer.publication?.cutoff ?? null }
  }
}
