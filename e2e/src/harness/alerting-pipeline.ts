import { avg, count, defineAlert, definePipeline, defineStream, defineView, t } from '@twinflow/core'
import { resolve } from 'node:path'

/** Requests to services: the alert scenario's stream. */
export const requests = defineStream('requests', { service: t.string(), latencyMs: t.int64(), ts: t.eventTime() })

/** Latency per service and minute. */
export const latency = defineView('latency', requests, {
  groupBy: (r) => ({ service: r.service }),
  window: '1m',
  measures: (r) => ({ requests: count(), avgLatencyMs: avg(r.latencyMs) }),
})

/** A service whose average latency over the last 10 minutes is above a second: told at once. */
export const slowService = defineAlert(latency, { name: 'slowService', measure: 'avgLatencyMs', range: '10m', above: 1000 })

export const alertingPipeline = definePipeline({ streams: [requests], views: [latency], alerts: [slowService] })

/** This pipeline as a config file's `pipeline` module. */
export const ALERTING_PIPELINE_MODULE = resolve(import.meta.dirname, 'alerting-pipeline-module.ts')
