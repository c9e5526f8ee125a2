import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import { collectSafely, type BatchEngine, type BatchRun, type Clock, type Logger, type Pipeline, type Publication } from '@twinflow/core'

export interface BatchMetricsDeps {
  engine: BatchEngine
  pipeline: Pipeline
  clock: Clock
  logger: Logger
  /** Runs that finished before this are not observed (they belong to earlier processes). */
  since: number
}

interface Scrape {
  id: number
  /** Attempts that finished since the previous read. */
  finished: BatchRun[]
  publications: (Publication | null)[]
}

/**
 * The batch layer seen from its run history and publications: durations and outcomes of the run
 * attempts that finished since this process started, and per view the served version and how old
 * its cutoff is. One read of the history and publications serves all the metrics of a scrape.
 */
export function registerBatchMetrics(registry: Registry, deps: BatchMetricsDeps): void {
  // Once per registry (a process may start its roles again).
  if (registry.getSingleMetric('twinflow_batch_run_duration_seconds')) return
  const registers = [registry]
  const observed = new Set<string>()
  let scrape: { at: number; result: Promise<Scrape> } | null = null
  let reads = 0
  const read = async (): Promise<Scrape> => {
    const id = ++reads
    const [runs, publications] = await Promise.all([deps.engine.runs(null, 200), Promise.all(deps.pipeline.views.map((v) => deps.engine.currentPublication(v.name)))])
    const finished = runs.reverse().filter((run) => {
      const id = `${run.runId}/${run.attempt}/${run.status}`
      if (run.finishedAt === null || run.finishedAt < deps.since || observed.has(id)) return false
      observed.add(id)
      return true
    })
    if (observed.size > 10_000) observed.clear()
    return { id, finished, publications }
  }
  // The metrics of one scrape are collected together: they share one read, which each counts once.
  const current = (): Promise<Scrape> => {
    const now = Date.now()
    if (!scrape || now - scrape.at > 1000) scrape = { at: now, result: read() }
    return scrape.result
  }
  const durationsSeen = { id: 0 }
  const countsSeen = { id: 0 }
  new Histogram({
    name: 'twinflow_batch_run_duration_seconds',
    help: 'Duration of finished batch run attempts (wait for the archiver, recompute, publish), by view and status.',
    labelNames: ['view', 'status'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers,
    collect: collectSafely('twinflow_batch_run_duration_seconds', deps.logger, async function () {
      for (const run of once(durationsSeen, await current())) this.observe({ view: run.view, status: run.status }, (run.finishedAt! - run.startedAt) / 1000)
    }),
  })
  new Counter({
    name: 'twinflow_batch_runs_total',
    help: 'Batch run attempts that finished, by view and status.',
    labelNames: ['view', 'status'],
    registers,
    collect: collectSafely('twinflow_batch_runs_total', deps.logger, async function () {
      for (const run of once(countsSeen, await current())) this.inc({ view: run.view, status: run.status })
    }),
  })
  new Gauge({
    name: 'twinflow_batch_published_version',
    help: 'The batch version served for a view.',
    labelNames: ['view'],
    registers,
    collect: collectSafely('twinflow_batch_published_version', deps.logger, async function () {
      const { publications } = await current()
      deps.pipeline.views.forEach((view, i) => publications[i] && this.set({ view: view.name }, publications[i].version))
    }),
  })
  new Gauge({
    name: 'twinflow_batch_cutoff_age_seconds',
    help: 'Now minus the served batch cutoff of a view: how much of it the speed layer has to cover.',
    labelNames: ['view'],
    registers,
    collect: collectSafely('twinflow_batch_cutoff_age_seconds', deps.logger, async function () {
      const { publications } = await current()
      deps.pipeline.views.forEach((view, i) => publications[i] && this.set({ view: view.name }, (deps.clock.now() - publications[i].cutoff) / 1000))
    }),
  })
}

/** The finished runs of a read, the first time a metric sees that read; none after. */
function once(seen: { id: number }, scrape: Scrape): BatchRun[] {
  if (scrape.id === seen.id) return []
  seen.id = scrape.id
  return scrape.finished
}
