import { Gauge, type Registry } from 'prom-client'
import { collectSafely, type BatchEngine, type EventLog, type Logger, type Pipeline } from '@twinflow/core'

/**
 * `twinflow_archiver_lag_records{stream, partition}`: records of the log not yet in the master
 * table. Read from the engine's cheap lower bound of the archived offsets (a scrape must not scan
 * the master table), so it is an upper bound of the lag.
 */
export function registerArchiverMetrics(registry: Registry, deps: { engine: BatchEngine; log: EventLog; pipeline: Pipeline; logger: Logger }): void {
  // Once per registry (a process may start its roles again).
  if (registry.getSingleMetric('twinflow_archiver_lag_records')) return
  new Gauge({
    name: 'twinflow_archiver_lag_records',
    help: 'Records of a partition that the archiver has not written to the master table yet.',
    labelNames: ['stream', 'partition'],
    registers: [registry],
    collect: collectSafely('twinflow_archiver_lag_records', deps.logger, async function () {
      for (const stream of deps.pipeline.streams) {
        const [ends, archived] = await Promise.all([deps.log.endOffsets(stream.topic), deps.engine.archivedOffsets(stream.name, { lowerBound: true })])
        for (const [partition, end] of ends) this.set({ stream: stream.name, partition: String(partition) }, Math.max(0, end - 1 - (archived.get(partition) ?? -1)))
      }
    }),
  })
}
