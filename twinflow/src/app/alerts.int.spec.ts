import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { systemClock, TOKENS, TwinflowError, type AlertNotification, type Clock, type Sink } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import type { MemorySink } from '@twinflow/plugin-memory'
import { AlertReader, SERVING_TOKENS } from '@twinflow/serving-layer'
import { parseConfig } from '../config/parse-config.ts'
import { graphqlRequest } from '../testing/graphql-request.ts'
import { createTwinflow } from './create-twinflow.ts'
import { alertingPipeline, bigShop, quiet } from './testing/alerting-pipeline.ts'
import { caughtUp } from './testing/online-store-fixture.ts'
import type { Twinflow } from './twinflow.ts'

const M = 60_000
const T = Date.UTC(2026, 10, 23, 12, 0, 30)
const now = { t: T }
const clock: Clock = { now: () => now.t, sleep: systemClock.sleep }
const dataDir = mkdtempSync(join(tmpdir(), 'twinflow-alerts-'))
const config = () =>
  parseConfig(
    {
      serving: { port: 0, host: '127.0.0.1', graphiql: false, accessLog: false },
      log: { level: 'silent' },
      batch: { schedule: '0 0 1 1 *' },
      sinks: [
        { plugin: 'memory', name: 'pager', kinds: ['alert'] },
        { plugin: 'memory', name: 'broken', kinds: ['alert'], delivery: { retries: 1, initialDelayMs: 10 } },
      ],
      alerts: {
        rules: { bigShop: { channels: ['pager'] }, quiet: { channels: ['pager'] }, anyRevenue: { channels: ['broken'] } },
        pollIntervalMs: 25,
        intervalMs: 300,
        leaseTtlMs: 1000,
      },
    },
    { dataDir },
  )
const limits = { maxRangeMs: 366 * 86_400_000, maxRows: 10_000, defaultRows: 1000, maxScanRows: 1_000_000 }
const iso = (t: number) => new Date(t).toISOString()

/** Every alert notification the pager channels of the processes got, in order. */
const pages: AlertNotification[] = []
function start(): Twinflow {
  const twinflow = createTwinflow({ pipeline: alertingPipeline, config: config(), clock })
  const sinks = twinflow.container.getAll<Sink>(TOKENS.Sink) as MemorySink[]
  sinks.find((s) => s.name === 'pager')!.onDeliver((n) => n.kind === 'alert' && pages.push(n))
  // The `broken` channel refuses everything, for good.
  sinks.find((s) => s.name === 'broken')!.failNextDeliveries(new TwinflowError('validation', 'HTTP 400: no such hook'), 1000)
  return twinflow
}
async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; pages: ${JSON.stringify(pages.map((p) => p.alert))}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}
const settle = () => new Promise((resolve) => setTimeout(resolve, 1200))
const paged = (rule: string) => pages.filter((p) => p.alert.rule === rule).map((p) => `${p.alert.state} ${JSON.stringify(p.alert.group)} #${p.alert.sequence}`)
async function produce(twinflow: Twinflow, events: { shop: string; cents: number; ts: number }[]) {
  await twinflow.get(TOKENS.EventLog).produce(
    'twinflow.orders',
    events.map((e) => ({ value: Buffer.from(JSON.stringify(e)) })),
  )
  await caughtUp(twinflow)
}

describe('alert rules on the embedded runtimes', () => {
  let twinflow: Twinflow
  afterAll(async () => {
    await twinflow?.stop()
  })

  it('fires once per group that breaks a rule, on the answer the API serves at the same moment', async () => {
    twinflow = start()
    await twinflow.start(['archiver', 'speed', 'serve', 'alert'], { connect: ['batch'] })
    await produce(twinflow, [
      { shop: 'north', cents: 700, ts: T - 2 * M },
      { shop: 'north', cents: 600, ts: T - M },
      { shop: 'south', cents: 300, ts: T - M },
    ])
    await until(() => paged('bigShop').length === 1, 'the firing of bigShop')
    expect(paged('bigShop')).toEqual(['firing {"shop":"north"} #1'])
    const [firing] = pages
    expect(firing!.alert).toMatchObject({ view: 'revenue', measure: 'cents', value: 1300, threshold: 1000, range: { from: T - 4.5 * M, to: T + 0.5 * M }, firedAt: T })
    expect(firing!.alert.condition).toBe('cents over the last 5m above 1000')
    await settle()
    expect(paged('bigShop')).toHaveLength(1)
  })

  /** The rules' values (read as the alert role reads them) and the API's answers for the same ranges, now. */
  async function agreement() {
    const reader = new AlertReader(twinflow.get(SERVING_TOKENS.ViewReader), limits)
    const perShop = await reader.read(bigShop, now.t)
    const total = await reader.read(quiet, now.t)
    const { from, to } = perShop.range
    const res = await graphqlRequest(
      twinflow.url!,
      `{ revenueTop(from: "${iso(from)}", to: "${iso(to)}", by: CENTS, limit: 100) { rows { shop cents } }
         revenueSplit(from: "${iso(from)}", to: "${iso(to)}", measure: N, splitBy: []) { series { total } } }`,
    )
    expect(res.errors).toBeUndefined()
    return {
      alert: { shops: Object.fromEntries(perShop.groups.map((g) => [g.group.shop, g.value])), orders: total.groups[0]!.value },
      api: { shops: Object.fromEntries(res.data!.revenueTop.rows.map((r: { shop: string; cents: number }) => [r.shop, r.cents])), orders: res.data!.revenueSplit.series[0].total },
    }
  }

  it('agrees with the GraphQL answer, before and after a batch version is published', async () => {
    const before = await agreement()
    expect(before.alert).toEqual(before.api)
    expect(before.alert).toEqual({ shops: { north: 1300, south: 300 }, orders: 3 })
    const runs = await twinflow.get(BATCH_TOKENS.Runner).runAll()
    // The cutoff falls inside the rules' range: the answer merges the batch version and the speed layer.
    expect(runs.map((r) => [r.status, r.cutoff])).toEqual([['succeeded', T - 1.5 * M]])
    await twinflow.get(TOKENS.RealtimeStore).markedCutoff('revenue')
    const after = await agreement()
    expect(after).toEqual(before)
    await settle()
    expect(paged('bigShop')).toHaveLength(1)
  })

  it('lists the rules with their groups’ states in pipeline.alerts', async () => {
    const res = await graphqlRequest(
      twinflow.url!,
      '{ pipeline { alerts { name enabled channels firing condition states { group { name value } state value sending notifications } } } }',
    )
    expect(res.errors).toBeUndefined()
    const byName = Object.fromEntries(res.data!.pipeline.alerts.map((a: { name: string }) => [a.name, a]))
    expect(byName.bigShop).toMatchObject({
      enabled: true,
      channels: ['pager'],
      firing: 1,
      states: [{ group: [{ name: 'shop', value: 'north' }], state: 'FIRING', value: 1300, sending: false, notifications: 1 }],
    })
    expect(byName.quiet).toMatchObject({ enabled: true, firing: 0, states: [] })
  })

  it('a channel that refuses every notification never stops the layers: its notification is dead-lettered, counted, and the state goes on', async () => {
    await until(
      async () =>
        twinflow
          .get(TOKENS.Channels)
          .counts()
          .some((c) => c.channel === 'broken' && c.outcome === 'dead-lettered'),
      'the dead letter of anyRevenue',
    )
    const letters = (twinflow.get(TOKENS.DeadLetterQueue) as unknown as { letters(): { stage: string; reason: string; stream: string }[] }).letters()
    expect(letters.filter((l) => l.stage === 'channel:broken')).toEqual([expect.objectContaining({ stream: 'orders', reason: 'undeliverable: HTTP 400: no such hook' })])
    const res = await graphqlRequest(twinflow.url!, '{ pipeline { alerts(state: FIRING) { name states { state sending } } } }')
    expect(res.data!.pipeline.alerts).toEqual([
      { name: 'bigShop', states: [{ state: 'FIRING', sending: false }] },
      { name: 'anyRevenue', states: [{ state: 'FIRING', sending: false }] },
    ])
    await produce(twinflow, [{ shop: 'east', cents: 5, ts: T }])
    expect((await agreement()).api.shops).toEqual({ north: 1300, south: 300, east: 5 })
    const metrics = await (await fetch(`${twinflow.opsUrl}/metrics`)).text()
    expect(metrics).toMatch(/^twinflow_alerts\{rule="bigShop",state="firing"\} 1$/m)
    expect(metrics).toMatch(/^twinflow_alert_evaluator_active 1$/m)
    expect(metrics).toMatch(/^twinflow_channel_notifications_total\{channel="broken",kind="alert",outcome="dead-lettered"\} 1$/m)
    expect(metrics).toMatch(/^twinflow_channel_notifications_total\{channel="pager",kind="alert",outcome="delivered"\} 1$/m)
  })

  it('after a restart (the states in the data directory, the windows rebuilt from the log) repeats nothing, and forgets nothing', async () => {
    await twinflow.stop()
    twinflow = start()
    await twinflow.start(['archiver', 'speed', 'serve', 'alert'], { connect: ['batch'] })
    await caughtUp(twinflow)
    await settle()
    expect(pages).toHaveLength(1)
    // Five and a half minutes on, every order is out of the range: bigShop resolves, once.
    now.t = T + 5.5 * M
    await until(() => paged('bigShop').length === 2, 'the resolve of bigShop')
    expect(paged('bigShop')).toEqual(['firing {"shop":"north"} #1', 'resolved {"shop":"north"} #2'])
    expect(pages[1]!.alert).toMatchObject({ value: 0, firedAt: T, resolvedAt: T + 5.5 * M })
  })

  it('holds `quiet` pending for its `for`, fires it, re-notifies it every `renotify`, and resolves it', async () => {
    await settle()
    expect(paged('quiet')).toEqual([])
    now.t = T + 7.5 * M
    await until(() => paged('quiet').length === 1, 'the firing of quiet')
    expect(pages.at(-1)!.alert).toMatchObject({ state: 'firing', group: {}, value: 0, activeSince: T + 5.5 * M, firedAt: T + 7.5 * M, sequence: 1 })
    now.t = T + 17 * M
    await settle()
    expect(paged('quiet')).toHaveLength(1)
    now.t = T + 17.5 * M
    await until(() => paged('quiet').length === 2, 'the re-notification of quiet')
    await produce(twinflow, [{ shop: 'west', cents: 1, ts: now.t }])
    await until(() => paged('quiet').length === 3, 'the resolve of quiet')
    expect(paged('quiet')).toEqual(['firing {} #1', 'firing {} #2', 'resolved {} #3'])
    expect(new Set(pages.map((p) => p.id)).size).toBe(pages.length)
    await settle()
    expect(pages).toHaveLength(5)
  })
})
