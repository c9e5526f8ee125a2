import { Counter, Gauge, type Registry } from 'prom-client'
import { collectSafely, type Clock, type EventLog, type Logger, type Pipeline, type RealtimeStore } from '@twinflow/core'
import type { SpeedWorker } from '../speed-worker.ts'

export interface SpeedMetricsDeps {
  worker: SpeedWorker
  pipeline: Pipeline
  log: EventLog
  store: RealtimeStore
  clock: Clock
  logger: Logger
}

/**
 * The speed layer's throughput (records and batches this worker processed) and lag (records of
 * each partition not applied yet by its consumer group; age of each view's newest applied event).
 */
export function registerSpeedMetrics(registry: Registry, deps: SpeedMetricsDeps): void {
  // Once per registry (a process may start its roles again).
  if (registry.getSingleMetric('twinflow_speed_records_total')) return
  const registers = [registry]
  const groupId = deps.worker.options.groupId
  const last = { records: 0, batches: 0, invalid: 0, duplicateEvents: 0 }
  const follow = (name: string, help: string, field: 'records' | 'batches' | 'invalid' | 'duplicateEvents') =>
    new Counter({
      name,
      help,
      registers,
      collect() {
        const now = deps.worker.stats()[field]
        this.inc(Math.max(0, now - last[field]))
        last[field] = now
      },
    })
  follow('twinflow_speed_records_total', 'Log records the speed worker of this process processed (redeliveries included).', 'records')
  follow('twinflow_speed_batches_total', 'Log batches the speed worker of this process processed.', 'batches')
  follow('twinflow_speed_invalid_records_total', 'Log records the speed worker skipped as invalid for their stream (the archiver dead-letters them).', 'invalid')
  follow('twinflow_speed_duplicate_events_total', "Valid events the speed worker dropped as duplicates of an earlier one (the stream's dedupeBy).", 'duplicateEvents')
  new Gauge({
    name: 'twinflow_speed_worker_healthy',
    help: '1 while the speed worker consumes and its last batch succeeded.',
    registers,
    collect() {
      this.set(deps.worker.health().healthy ? 1 : 0)
    },
  })
  const topics = [...new Set(deps.pipeline.views.map((v) => v.stream.topic))]
  new Gauge({
    name: 'twinflow_speed_lag_records',
    help: 'Records of a partition that the speed layer consumer group has not applied yet.',
    labelNames: ['topic', 'partition'],
    registers,
    collect: collectSafely('twinflow_speed_lag_records', deps.logger, async function () {
      for (const topic of topics) {
        const [ends, applied] = await Promise.all([deps.log.endOffsets(topic), deps.store.progress(groupId, topic)])
        for (const [partition, end] of ends) this.set({ topic, partition: String(partition) }, Math.max(0, end - 1 - (applied.get(partition) ?? -1)))
      }
    }),
  })
  new Gauge({
    name: 'twinflow_speed_newest_event_age_seconds',
    help: "Now minus the newest event time the speed layer applied to a view (as the realtime store records it); 0 for an event up to the stream's future skew ahead.",
    labelNames: ['view'],
    registers,
    collect: collectSafely('twinflow_speed_newest_event_age_seconds', deps.logger, async function () {
      for (const view of deps.pipeline.views) {
        const newest = await deps.store.newestEventTime(view.name)
        if (newest !== null) this.set({ view: view.name }, Math.max(0, deps.clock.now() - newest) / 1000)
      }
    }),
  })
}
