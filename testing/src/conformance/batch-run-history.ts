import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { count, createJsonLogger, definePipeline, defineStream, defineView, t, type BatchRun, type Clock, type ReportRunRecord } from '@twinflow/core'
import { ClickHouseBatchEngine } from '@twinflow/batch-layer'
import type { BatchSqlEquivalenceOptions } from './batch-sql-equivalence.ts'

const T0 = Date.UTC(2026, 0, 1)
const HOUR = 3_600_000

/**
 * The run history's reading of a run's outcome, as a vitest suite for one ClickHouse (call it at
 * the top level of a spec file): the newest record of a run wins, and a run has succeeded only once
 * its version is published, since the batch runner writes the 'succeeded' record alongside the
 * publication. Its SQL (LIMIT BY, a tuple NOT IN over the publications) runs on the embedded chdb
 * and on the server image the end-to-end suite runs (18.16). The report role's run history too: the
 * newest record of a run wins, deliveries and quoted errors come back whole.
 */
export function batchRunHistory(name: string, options: BatchSqlEquivalenceOptions): void {
  let opened: Awaited<ReturnType<BatchSqlEquivalenceOptions['open']>> | undefined
  describe(`batch run history (${name})`, () => {
    beforeAll(async () => {
      opened = await options.open()
    }, 120_000)
    afterAll(() => opened?.dispose())

    it('reads a succeeded record whose version has no publication as still running', async () => {
      let now = T0
      const clock: Clock = { now: () => now, sleep: async () => {} }
      const stream = defineStream('history_clicks', { user: t.string(), ts: t.eventTime() })
      const view = defineView('history_byUser', stream, { groupBy: (e) => ({ user: e.user }), window: '1h', measures: () => ({ n: count() }) })
      const other = defineView('history_total', stream, { groupBy: () => ({}), window: '1h', measures: () => ({ n: count() }) })
      const engine = new ClickHouseBatchEngine(opened!.driver, clock, createJsonLogger({ level: 'silent' }))
      await engine.start(definePipeline({ streams: [stream], views: [view, other] }))
      const run: BatchRun = { runId: 'h1', view: view.name, attempt: 1, status: 'succeeded', startedAt: T0, finishedAt: T0 + 7, cutoff: T0, version: 3, rows: 0, error: null }
      await engine.buildVersion(view.name, 3, T0)
      await engine.recordRun({ ...run, status: 'running', finishedAt: null })
      await engine.recordRun(run) // written alongside the publication, which has not landed
      expect(await engine.runs(view.name, 10)).toEqual([{ ...run, status: 'running', finishedAt: null }])
      // Version 3 of another view is published: a publication counts for its own view only.
      await engine.buildVersion(other.name, 3, T0)
      await engine.publish(other.name, 3, T0)
      expect((await engine.runs(null, 10)).map((r) => [r.runId, r.status])).toEqual([['h1', 'running']])
      now = T0 + 11
      await engine.publish(view.name, 3, T0)
      expect(await engine.runs(view.name, 10)).toEqual([run])
      // A newer run whose publication failed: its failure, recorded after its success, is its state.
      const later: BatchRun = { ...run, runId: 'h2', startedAt: T0 + HOUR, version: 4 }
      await engine.recordRun(later)
      await engine.recordRun({ ...later, status: 'failed', error: 'publication refused' })
      expect((await engine.runs(null, 10)).map((r) => [r.runId, r.status, r.finishedAt])).toEqual([
        ['h2', 'failed', T0 + 7],
        ['h1', 'succeeded', T0 + 7],
      ])
    })

    it('keeps the report runs: the newest record of a run wins, newest scheduled first, of one report or all', async () => {
      let now = T0
      const clock: Clock = { now: () => now, sleep: async () => {} }
      const engine = new ClickHouseBatchEngine(opened!.driver, clock, createJsonLogger({ level: 'silent' }))
      await engine.start(definePipeline({ streams: [], views: [] }))
      const failed: ReportRunRecord = {
        runId: 'report/daily/2026-01-01T00:00:00.000Z',
        report: 'daily',
        scheduledAt: T0,
        status: 'failed',
        trigger: 'schedule',
        late: false,
        startedAt: T0 + 1,
        finishedAt: T0 + 2,
        period: null,
        deliveries: [],
        error: 'view "x" did not answer: it\'s "down" \\ for\nnow',
      }
      await engine.recordReportRun(failed)
      now += 1
      const sent: ReportRunRecord = {
        ...failed,
        status: 'sent',
        trigger: 'catch-up',
        late: true,
        period: { from: T0 - 24 * HOUR, to: T0 },
        deliveries: [
          { channel: 'mail', status: 'delivered', attempts: 1 },
          { channel: 'chat', status: 'dead-lettered', attempts: 6 },
        ],
        error: null,
      }
      await engine.recordReportRun(sent)
      const next: ReportRunRecord = { ...failed, runId: 'report/daily/2026-01-02T00:00:00.000Z', scheduledAt: T0 + 24 * HOUR }
      const other: ReportRunRecord = { ...sent, runId: 'report/weekly/2026-01-01T00:00:00.000Z', report: 'weekly' }
      await engine.recordReportRun(next)
      await engine.recordReportRun(other)
      expect(await engine.reportRun(sent.runId)).toEqual(sent)
      expect(await engine.reportRun('report/none')).toBeNull()
      expect(await engine.reportRuns('daily', 10)).toEqual([next, sent])
      expect(await engine.reportRuns('daily', 1)).toEqual([next])
      // Ties on the scheduled and start times are broken by the run id, descending.
      expect((await engine.reportRuns(null, 10)).map((r) => r.runId)).toEqual([next.runId, other.runId, sent.runId])
    })
  })
}
