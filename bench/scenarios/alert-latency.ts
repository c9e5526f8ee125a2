import { spawn, type ChildProcess } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { TwinflowProcess } from '@twinflow/e2e/process'
import { CompressionTypes, type Producer } from 'kafkajs'
import type { AlertObserverOptions } from '../src/alert-observer.ts'
import { generatePurchases, purchaseMessages } from '../src/generate-purchases.ts'
import { purchases } from '../src/purchases.ts'
import { PROBE_SHOP, probeQuery } from '../src/probe-query.ts'
import type { Scenario, ScenarioContext } from '../src/scenario.ts'
import { quantile } from '../src/stats.ts'

const SECRET = 'bench-alert-latency-secret-0123'
const WHALE_PREFIX = 'whale-'
const PROBE_EVERY_MS = 100
const POLL_MS = 20
const TICK_MS = 10

/**
 * alert-latency: the speed, serve and alert roles run as three `twinflow start` processes (as
 * deployed), on Kafka, Redis and ClickHouse; the `whale` rule of the benchmark's pipeline (a shop's
 * revenue over 5 minutes above 10^11 cents) is on, told to a webhook. Live purchases are produced
 * at a steady rate, and every 100 ms a probe: in one send, a purchase of the probe shop (counted by
 * the API: freshness) and a purchase of 10^12 cents for a shop of its own (it breaks the rule: a new
 * alert). An observer process of its own (bench/src/alert-observer.ts) records, per probe, produce →
 * visible (polling the probe shop's count through GraphQL every 20 ms, as the freshness scenario
 * does) and produce → told (its webhook receiver verifies the signature; the time the firing of
 * the probe's shop arrived). The check is the difference of the two p99s, measured side by side.
 */
export const alertLatencyScenario: Scenario = {
  name: 'alert-latency',
  async run(ctx: ScenarioContext) {
    const { services } = ctx
    const rate = ctx.quick ? 1000 : 2000
    const seconds = ctx.quick ? 6 : 20
    await services.reset()
    const observer = await AlertObserver.start({ secret: SECRET, probePrefix: WHALE_PREFIX, graphql: { query: probeQuery(), pollMs: POLL_MS } })
    const config = services.configFile(
      services.config({
        sinks: [{ plugin: 'webhook', name: 'ops', kinds: ['alert'], options: { url: observer.webhookUrl, secret: SECRET } }],
        alerts: { rules: { whale: { channels: ['ops'] } } },
      }),
    )
    const start = (role: string) => TwinflowProcess.start({ name: role, args: ['start', '--role', role, '--config', config], readyWhen: /Operations: http/, timeoutMs: 90_000 })
    const [speed, alert] = await Promise.all([start('speed'), start('alert')])
    const serve = await TwinflowProcess.start({ name: 'serve', args: ['start', '--role', 'serve', '--config', config], logLevel: 'info' })
    const [, url] = await serve.waitForOutput(/GraphQL: (http:\/\/\S+)/, 90_000)
    const producer = services.kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    try {
      await alert.waitForOutput(/now evaluates the alerts/, 60_000)
      await observer.ready(url!)
      const probes = { next: observer.seen }
      // Warm-up (not counted).
      await steadyLoad({ producer, rate, seconds: 3, probes, observer, warmUp: true })
      const runs: SteadyResult[] = []
      for (let i = 0; i < ctx.repeats; i++) {
        const r = await steadyLoad({ producer, rate, seconds, probes, observer })
        ctx.log(`  repetition ${i + 1}: ${r.probes} probes, p99 visible ${r.visibleP99} ms, p99 told ${r.alertP99} ms (p50 ${r.visibleP50} / ${r.alertP50} ms)`)
        runs.push(r)
      }
      return {
        scenario: 'alert-latency',
        setup: [
          `speed, serve and alert roles as three processes, the GraphQL poller and the webhook receiver in a fourth (the producer in the bench's own); ${rate.toLocaleString('en')} purchases/s produced, a probe every ${PROBE_EVERY_MS} ms (a probe-shop purchase and a 10^12-cent purchase of a shop of its own: a new firing of the whale rule), GraphQL polled every ${POLL_MS} ms; alerts at their defaults (progress read every 100 ms); ${seconds} s per repetition.`,
        ],
        checks: [
          {
            name: 'p99 produce→webhook told − p99 produce→visible in the API',
            samples: runs.map((r) => r.alertP99 - r.visibleP99),
            unit: 'ms',
            target: { op: '<=', value: 250 },
            figures: { unit: 'ms p99', framework: runs.map((r) => r.alertP99), baseline: runs.map((r) => r.visibleP99) },
          },
          {
            name: 'reference: p50 produce→webhook told − p50 produce→visible',
            samples: runs.map((r) => r.alertP50 - r.visibleP50),
            unit: 'ms',
            target: null,
            figures: { unit: 'ms p50', framework: runs.map((r) => r.alertP50), baseline: runs.map((r) => r.visibleP50) },
          },
        ],
      }
    } finally {
      await Promise.allSettled([observer.stop(), producer.disconnect(), speed.stop(), alert.stop(), serve.stop()])
    }
  },
}

interface SteadyResult {
  probes: number
  visibleP99: number
  visibleP50: number
  alertP99: number
  alertP50: number
}

/** Produces `rate` purchases per second for `seconds` (in ticks of 10 ms, stamped now), with a probe every 100 ms; then waits until every probe was seen and told. */
async function steadyLoad(o: { producer: Producer; rate: number; seconds: number; probes: { next: number }; observer: AlertObserver; warmUp?: boolean }): Promise<SteadyResult> {
  const produced = new Map<number, number>()
  const first = o.probes.next
  const start = performance.now()
  let sent = 0
  let lastProbe = 0
  let seed = Math.floor(Math.random() * 1e9)
  const pending: Promise<unknown>[] = []
  while (performance.now() - start < o.seconds * 1000) {
    const due = Math.floor(((performance.now() - start) / 1000) * o.rate)
    for (let n = Math.min(2000, due - sent); n > 0; n = Math.min(2000, due - sent)) {
      const now = Date.now()
      pending.push(
        o.producer.send({ topic: purchases.topic, messages: purchaseMessages(generatePurchases(n, { seed: seed++, from: now, to: now + 1 })), compression: CompressionTypes.None }),
      )
      sent += n
    }
    if (performance.now() - lastProbe >= PROBE_EVERY_MS) {
      lastProbe = performance.now()
      const id = o.probes.next++
      const now = Date.now()
      const [event] = generatePurchases(1, { seed: id, from: now, to: now + 1 })
      produced.set(id, now)
      const probe = { ...event!, shop: PROBE_SHOP, status: 'paid' }
      const whale = { ...event!, shop: `${WHALE_PREFIX}${id}`, status: 'paid', amountCents: 1e12 }
      pending.push(
        o.producer.send({
          topic: purchases.topic,
          messages: [
            { key: probe.shop, value: Buffer.from(JSON.stringify(probe)), headers: { probe: String(id) } },
            { key: whale.shop, value: Buffer.from(JSON.stringify(whale)) },
          ],
        }),
      )
    }
    await new Promise((r) => setTimeout(r, TICK_MS))
  }
  await Promise.all(pending)
  const last = o.probes.next
  await o.observer.waitFor(first, last, 60_000)
  if (o.warmUp) return { probes: 0, visibleP99: 0, visibleP50: 0, alertP99: 0, alertP50: 0 }
  const visible: number[] = []
  const told: number[] = []
  for (let id = first; id < last; id++) {
    const at = produced.get(id)!
    visible.push(o.observer.visible.get(id)! - at)
    told.push(o.observer.alerted.get(id)! - at)
  }
  return {
    probes: last - first,
    visibleP99: Math.round(quantile(visible, 0.99)),
    visibleP50: Math.round(quantile(visible, 0.5)),
    alertP99: Math.round(quantile(told, 0.99)),
    alertP50: Math.round(quantile(told, 0.5)),
  }
}

/** The observer process (bench/src/alert-observer.ts): when each probe was visible, and when its alert was told. */
class AlertObserver {
  readonly visible = new Map<number, number>()
  readonly alerted = new Map<number, number>()
  webhookUrl = ''
  seen = 0
  #failure: Error | null = null
  #ready: (() => void) | null = null

  private constructor(private readonly child: ChildProcess) {}

  static async start(options: AlertObserverOptions): Promise<AlertObserver> {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../src/alert-observer.ts'), JSON.stringify(options)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    })
    const observer = new AlertObserver(child)
    await new Promise<void>((listening, fail) => {
      child.once('exit', (code) => {
        observer.#failure = new Error(`the alert observer exited with ${code}`)
        fail(observer.#failure)
      })
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = JSON.parse(line) as { url?: string; ready?: true; visible?: number; alerted?: number; at?: number }
        if (m.url !== undefined) {
          observer.webhookUrl = m.url
          listening()
        } else if (m.ready) {
          observer.seen = m.visible!
          observer.#ready?.()
        } else if (m.alerted !== undefined) observer.alerted.set(m.alerted, m.at!)
        else if (m.visible !== undefined) observer.visible.set(m.visible, m.at!)
      })
    })
    return observer
  }

  /** Gives the observer the GraphQL URL; resolves once it has read the probe count once. */
  ready(graphqlUrl: string): Promise<void> {
    return new Promise((resolve) => {
      this.#ready = resolve
      this.child.stdin!.write(`${graphqlUrl}\n`)
    })
  }

  /** Waits until probes first..last-1 are all visible and told. */
  async waitFor(first: number, last: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (let id = first; id < last; id++) {
      while (!this.visible.has(id) || !this.alerted.has(id)) {
        if (this.#failure) throw this.#failure
        if (Date.now() > deadline) throw new Error(`probe ${id} was not ${this.visible.has(id) ? 'told' : 'visible'} within ${timeoutMs} ms`)
        await new Promise((r) => setTimeout(r, POLL_MS))
      }
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return
    const exited = new Promise((r) => this.child.once('exit', r))
    this.child.kill('SIGTERM')
    await exited
  }
}
