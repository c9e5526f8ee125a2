import { Counter, Gauge, Histogram, type Registry } from 'prom-client'
import type { BatchPartCache } from '../read/batch-part-cache.ts'

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]

/** The serving layer's Prometheus metrics, registered on the process's registry. */
export class ServingMetrics {
  readonly requests: Counter<'status'>
  readonly requestDuration: Histogram<'status'>
  readonly operations: Counter<'type' | 'outcome'>
  readonly rejections: Counter<'reason'>
  readonly subscriptions: Gauge
  readonly viewReads: Counter<'view' | 'form'>
  readonly readRetries: Counter<'view'>

  constructor(registry: Registry, cache: BatchPartCache) {
    const registers = [registry]
    this.requests = new Counter({ name: 'twinflow_graphql_http_requests_total', help: 'GraphQL HTTP requests by status code.', labelNames: ['status'], registers })
    this.requestDuration = new Histogram({
      name: 'twinflow_graphql_http_request_duration_seconds',
      help: 'Time to answer a GraphQL HTTP request (subscription streams excluded).',
      labelNames: ['status'],
      buckets: SECONDS,
      registers,
    })
    this.operations = new Counter({
      name: 'twinflow_graphql_operations_total',
      help: 'GraphQL operations executed, by type and outcome (ok, error, timeout, invalid).',
      labelNames: ['type', 'outcome'],
      registers,
    })
    this.rejections = new Counter({
      name: 'twinflow_graphql_rejections_total',
      help: 'Requests refused before execution, by reason (body_too_large, unauthenticated, max_tokens, max_depth, max_aliases, cost_limit, max_directives, introspection_rate).',
      labelNames: ['reason'],
      registers,
    })
    this.subscriptions = new Gauge({ name: 'twinflow_graphql_subscriptions', help: 'Open subscriptions.', registers })
    this.viewReads = new Counter({
      name: 'twinflow_view_reads_total',
      help: 'View answers computed, by view and form (series, top, live).',
      labelNames: ['view', 'form'],
      registers,
    })
    this.readRetries = new Counter({ name: 'twinflow_view_read_retries_total', help: 'View reads done again because a batch publish raced them.', labelNames: ['view'], registers })
    // Counters that follow the cache's own totals, read at each scrape.
    const follow = (name: string, help: string, pick: (stats: ReturnType<BatchPartCache['stats']>) => number) => {
      let last = 0
      new Counter({
        name,
        help,
        registers,
        collect() {
          const now = pick(cache.stats())
          this.inc(Math.max(0, now - last))
          last = now
        },
      })
    }
    follow('twinflow_batch_cache_hits_total', 'Batch chunks served from the cache of immutable versions.', (s) => s.hits)
    follow('twinflow_batch_cache_misses_total', 'Batch chunks that needed a read of the batch engine.', (s) => s.misses)
    follow('twinflow_batch_cache_reads_total', 'Reads sent to the batch engine by the cache.', (s) => s.reads)
    new Gauge({
      name: 'twinflow_batch_cache_rows',
      help: 'Partial rows held by the batch cache.',
      registers,
      collect() {
        this.set(cache.stats().rows)
      },
    })
  }
}
