import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TOKENS } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { generateOrders, onlineStorePipeline } from '@twinflow/example-online-store'
import { embeddedTestConfig } from '../testing/embedded-config.ts'
import { createTwinflow } from './create-twinflow.ts'
import { caughtUp, fixedClock, HOUR, T } from './testing/online-store-fixture.ts'
import type { Twinflow } from './twinflow.ts'

/** Value of a Prometheus series in the text format (0 when absent). */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `))
  return line ? Number(line.slice(series.length + 1)) : 0
}

describe('a process without the serve role has /healthz, /readyz and Prometheus /metrics too', () => {
  let twinflow: Twinflow

  beforeAll(async () => {
    twinflow = createTwinflow({ pipeline: onlineStorePipeline, config: embeddedTestConfig(), clock: fixedClock })
    await twinflow.start(['archiver', 'speed', 'batch'])
    const orders = generateOrders(500, { seed: 5, from: T - 3 * HOUR, to: T })
    await twinflow.get(TOKENS.EventLog).produce('twinflow.orders', [...orders.map((o) => ({ value: Buffer.from(JSON.stringify(o)) })), { value: Buffer.from('{') }])
    await caughtUp(twinflow)
    const runs = await twinflow.get(BATCH_TOKENS.Runner).runAll()
    expect(runs.every((r) => r.status === 'succeeded')).toBe(true)
  })
  afterAll(async () => {
    await twinflow?.stop()
  })

  it('serves no GraphQL, and reports itself alive and ready', async () => {
    expect(twinflow.url).toBeNull()
    expect((await fetch(`${twinflow.opsUrl}/graphql`)).status).toBe(404)
    expect(await (await fetch(`${twinflow.opsUrl}/healthz`)).json()).toEqual({ status: 'ok' })
    const ready = await fetch(`${twinflow.opsUrl}/readyz`)
    expect(ready.status).toBe(200)
    expect(Object.keys((await ready.json()).checks).sort()).toEqual(['batchEngine', 'eventLog', 'realtimeStore', 'speedWorker'])
  })

  it('exports batch run durations, speed-layer throughput and lag, archiver lag and dead letters', async () => {
    const text = await (await fetch(`${twinflow.opsUrl}/metrics`)).text()
    for (const view of ['shopRevenue', 'orderMix', 'shopTraffic']) {
      expect(sample(text, `twinflow_batch_run_duration_seconds_count{view="${view}",status="succeeded"}`), view).toBe(1)
      expect(sample(text, `twinflow_batch_runs_total{view="${view}",status="succeeded"}`), view).toBe(1)
      expect(sample(text, `twinflow_batch_published_version{view="${view}"}`), view).toBe(1)
    }
    expect(sample(text, 'twinflow_batch_cutoff_age_seconds{view="shopRevenue"}')).toBe((T - Math.floor((T - 5 * 60_000) / HOUR) * HOUR) / 1000)
    expect(sample(text, 'twinflow_speed_records_total')).toBe(501)
    expect(sample(text, 'twinflow_speed_batches_total')).toBeGreaterThan(0)
    expect(sample(text, 'twinflow_speed_worker_healthy')).toBe(1)
    for (const partition of [0, 1, 2, 3]) {
      expect(sample(text, `twinflow_speed_lag_records{topic="twinflow.orders",partition="${partition}"}`)).toBe(0)
      expect(sample(text, `twinflow_archiver_lag_records{stream="orders",partition="${partition}"}`)).toBe(0)
    }
    expect(sample(text, 'twinflow_speed_invalid_records_total')).toBe(1)
    expect(sample(text, 'twinflow_dead_letters_total{stream="orders",stage="archiver"}')).toBe(1)
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m)
    expect(text).not.toMatch(/^twinflow_graphql_/m)
  })
})

describe('with API keys and no ops.port, the ops endpoints share the serving port: /metrics needs a key for every view', () => {
  const ADMIN_KEY = 'admin-key-0123456789abcdef'
  const DASHBOARD_KEY = 'dashboard-key-0123456789abcdef'
  const sha256 = (key: string) => createHash('sha256').update(key).digest('hex')
  let twinflow: Twinflow

  beforeAll(async () => {
    const auth = {
      mode: 'api-key' as const,
      keys: [
        { name: 'prometheus', sha256: sha256(ADMIN_KEY), views: ['*'] },
        { name: 'dashboard', sha256: sha256(DASHBOARD_KEY), views: ['shopRevenue'] },
      ],
    }
    twinflow = createTwinflow({ pipeline: onlineStorePipeline, config: embeddedTestConfig({ serving: { port: 0, auth } }), clock: fixedClock })
    // A process without the serve role: its serving port has only the ops endpoints.
    await twinflow.start(['batch'])
  })
  afterAll(async () => {
    await twinflow?.stop()
  })

  it('/healthz and /readyz stay open for probes', async () => {
    expect((await fetch(`${twinflow.opsUrl}/healthz`)).status).toBe(200)
    expect((await fetch(`${twinflow.opsUrl}/readyz`)).status).toBe(200)
  })

  it('/metrics: 401 without a valid key, 403 for a key of some views, the metrics for a key of every view', async () => {
    const metrics = (key?: string) => fetch(`${twinflow.opsUrl}/metrics`, { headers: key ? { 'x-api-key': key } : {} })
    for (const key of [undefined, 'guess']) {
      const refused = await metrics(key)
      expect(refused.status).toBe(401)
      expect(refused.headers.get('www-authenticate')).toBe('ApiKey header="x-api-key"')
      expect(await refused.text()).not.toMatch(/twinflow_/)
    }
    const narrow = await metrics(DASHBOARD_KEY)
    expect(narrow.status).toBe(403)
    expect(await narrow.text()).not.toMatch(/twinflow_/)
    const all = await metrics(ADMIN_KEY)
    expect(all.status).toBe(200)
    expect(await all.text()).toMatch(/^# HELP twinflow_batch_runs_total /m)
  })
})
