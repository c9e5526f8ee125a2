import { spawn, type ChildProcess } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { TwinflowProcess } from '@twinflow/e2e/process'
import { CompressionTypes, type Admin, type Producer } from 'kafkajs'
import { alternate } from '../src/alternate.ts'
import { generatePurchases, purchaseMessages } from '../src/generate-purchases.ts'
import { purchases } from '../src/purchases.ts'
import { quantile, summarize } from '../src/stats.ts'
import { PROBE_SHOP, probeQuery } from '../src/probe-query.ts'
import type { Check, Scenario, ScenarioContext } from '../src/scenario.ts'
import type { ObserverOptions } from '../src/freshness-observer.ts'

const PROBE_EVERY_MS = 50
const POLL_MS = 20
const TICK_MS = 10

/**
 * freshness: Twinflow's speed and serve roles run as two `twinflow start` processes. The bench
 * produces live purchases at half the highest sustainable rate (half the speed scenario's median
 * Twinflow rate), plus a probe purchase of a shop of its own every 50 ms. An observer process of its
 * own (bench/src/freshness-observer.ts, so that the producer's work delays neither of its clocks)
 * records, per probe: produce → consumed (a plain kafkajs consumer of the same topic: the floor any
 * consumer has) and produce → visible (polling the `shopSales` view through GraphQL every 20 ms
 * until the probe shop's count includes it; the polling interval is charged to Twinflow). The check
 * is the difference of the two p99s. Then the speed process is stopped for an outage while
 * production goes on, started again, and the backlog's drain rate (events applied per second from
 * its first progress until caught up: group join, warm-up and the end of the backlog included) is
 * compared with the same process's steady-state rate in the same conditions (the middle of the
 * drain, 20 % to 80 % of the backlog applied). For reference: the drain against the speed
 * scenario's consume-only rate (in-process, nothing else on the machine), and the speed process's
 * CPU per event while draining (from /proc).
 */
export const freshnessScenario: Scenario = {
  name: 'freshness',
  async run(ctx: ScenarioContext) {
    const { services } = ctx
    const saturated = speedRate(ctx)
    const seconds = ctx.quick ? 4 : 20
    const outageMs = ctx.quick ? 8_000 : 60_000
    await services.reset()
    const config = services.configFile(services.config({ speed: { cutoffRefreshMs: 5000 } }))
    const start = (role: 'speed') => TwinflowProcess.start({ name: role, args: ['start', '--role', role, '--config', config], readyWhen: /Operations: http/, timeoutMs: 90_000 })
    let speed = await start('speed')
    const serve = await TwinflowProcess.start({ name: 'serve', args: ['start', '--role', 'serve', '--config', config], logLevel: 'info' })
    const [, url] = await serve.waitForOutput(/GraphQL: (http:\/\/\S+)/, 90_000)
    const producer = services.kafka.producer({ allowAutoTopicCreation: false })
    await producer.connect()
    const observer = await Observer.start({
      kafka: { brokers: services.kafkaContainer.getClientOptions().brokers },
      topic: purchases.topic,
      groupId: 'bench-freshness-floor',
      graphql: { url: url!, query: probeQuery(), pollMs: POLL_MS },
    })
    const probes = { next: observer.seen }
    const admin = services.kafka.admin()
    await admin.connect()
    const lag = new Lag(ctx, admin)
    try {
      const sustainable = await sustainableRate(producer, lag, Math.round(saturated), ctx.quick ? 3 : 5, ctx.log)
      const rate = Math.round(sustainable / 2)
      // Warm-up (not counted).
      await steadyLoad({ producer, rate, seconds: 3, probes, observer, warmUp: true })
      const steady = await alternate(ctx.repeats, { framework: () => steadyLoad({ producer, rate, seconds, probes, observer }) }, { log: ctx.log })
      const drains = await alternate(
        ctx.repeats,
        {
          framework: async () => {
            const result = await outage({ producer, rate, outageMs, stop: () => speed.stop(), start: async () => (speed = await start('speed')), lag })
            return result
          },
        },
        { log: ctx.log },
      )
      const gaps = steady.framework.map((r) => r.visibleP99 - r.consumedP99)
      const checks: Check[] = [
        {
          name: 'p99 produce→visible − p99 produce→consumed',
          samples: gaps,
          unit: 'ms',
          target: { op: '<=', value: 250 },
          figures: { unit: 'ms p99', framework: steady.framework.map((r) => r.visibleP99), baseline: steady.framework.map((r) => r.consumedP99) },
        },
        {
          name: `backlog drain rate after a ${outageMs / 1000} s outage ÷ the same process's steady-state rate (middle of the drain)`,
          samples: drains.framework.map((d) => d.perSecond / d.steadyPerSecond),
          unit: '×',
          target: { op: '>=', value: 0.9 },
          figures: { unit: 'events/s', framework: drains.framework.map((d) => d.perSecond), baseline: drains.framework.map((d) => d.steadyPerSecond) },
        },
        {
          name: "reference: drain rate ÷ the speed scenario's consume-only rate (in-process, nothing else running)",
          samples: drains.framework.map((d) => d.perSecond / saturated),
          unit: '×',
          target: null,
          figures: { unit: 'events/s', framework: drains.framework.map((d) => d.perSecond), baseline: drains.framework.map(() => saturated) },
        },
        {
          name: 'reference: speed process CPU per event while draining',
          samples: drains.framework.map((d) => d.cpuPerEventUs),
          unit: 'µs',
          target: null,
        },
        {
          name: 'reference: drain rate ÷ highest rate sustained with the producer alongside',
          samples: drains.framework.map((d) => d.perSecond / sustainable),
          unit: '×',
          target: null,
          figures: { unit: 'events/s', framework: drains.framework.map((d) => d.perSecond), baseline: drains.framework.map(() => sustainable) },
        },
      ]
      return {
        scenario: 'freshness',
        setup: [
          `speed and serve roles as two processes, the floor consumer and the GraphQL poller in a third (the producer in the bench's own); ${rate.toLocaleString('en')} events/s produced: half the highest rate sustained with the producer on the same machine (${sustainable.toLocaleString('en')}/s; the speed scenario's consume-only rate is ${Math.round(saturated).toLocaleString('en')}/s); a probe every ${PROBE_EVERY_MS} ms, GraphQL polled every ${POLL_MS} ms; ${seconds} s per repetition;`,
          `outage: the speed process stopped ${outageMs / 1000} s under the same production, then started again (backlogs of ${drains.framework.map((d) => d.backlog.toLocaleString('en')).join(', ')} events; drained in ${drains.framework.map((d) => (d.drainMs / 1000).toFixed(1)).join(', ')} s, the speed process using ${drains.framework.map((d) => d.cores.toFixed(2)).join(', ')} cores meanwhile).`,
        ],
        checks,
      }
    } finally {
      await Promise.allSettled([observer.stop(), producer.disconnect(), admin.disconnect(), speed.stop(), serve.stop()])
    }
  },
}

/** Half of this rate is the load; the speed scenario of this run measured it (or a full speed run must come first). */
function speedRate(ctx: ScenarioContext): number {
  const speed = ctx.earlier.get('speed')?.checks[0]?.figures
  if (!speed) throw new Error('the freshness scenario needs the speed scenario of the same run (it loads at half its rate): run them together')
  return summarize(speed.framework).median
}

/** Produces `rate` live events per second for `seconds`, in ticks of 10 ms, each tick's events stamped now. */
async function produceAt(
  producer: Producer,
  rate: number,
  seconds: number,
  onTick: (now: number) => Promise<void> | void = () => {},
  stopWhen: () => boolean = () => false,
): Promise<number> {
  const start = performance.now()
  let sent = 0
  let seed = Math.floor(Math.random() * 1e9)
  const pending: Promise<unknown>[] = []
  while (performance.now() - start < seconds * 1000 && !stopWhen()) {
    const due = Math.floor(((performance.now() - start) / 1000) * rate)
    // In sends of at most 2000 events (a record batch must stay under the broker's 1 MB).
    for (let n = Math.min(2000, due - sent); n > 0; n = Math.min(2000, due - sent)) {
      const now = Date.now()
      pending.push(
        producer.send({ topic: purchases.topic, messages: purchaseMessages(generatePurchases(n, { seed: seed++, from: now, to: now + 1 })), compression: CompressionTypes.None }),
      )
      sent += n
    }
    await onTick(Date.now())
    await new Promise((r) => setTimeout(r, TICK_MS))
  }
  await Promise.all(pending)
  return sent
}

interface SteadyResult {
  probes: number
  consumedP99: number
  visibleP99: number
  visibleP50: number
}

async function steadyLoad(o: { producer: Producer; rate: number; seconds: number; probes: { next: number }; observer: Observer; warmUp?: boolean }): Promise<SteadyResult> {
  const produced = new Map<number, number>()
  const first = o.probes.next
  let lastProbe = 0
  await produceAt(o.producer, o.rate, o.seconds, async () => {
    if (performance.now() - lastProbe < PROBE_EVERY_MS) return
    lastProbe = performance.now()
    const id = o.probes.next++
    const now = Date.now()
    const [event] = generatePurchases(1, { seed: id, from: now, to: now + 1 })
    produced.set(id, now)
    void o.producer
      .send({
        topic: purchases.topic,
        messages: [{ key: PROBE_SHOP, value: Buffer.from(JSON.stringify({ ...event, shop: PROBE_SHOP, status: 'paid' })), headers: { probe: String(id) } }],
      })
      .catch(() => {})
  })
  const last = o.probes.next
  await o.observer.waitFor(first, last, 60_000)
  if (o.warmUp) return { probes: 0, consumedP99: 0, visibleP99: 0, visibleP50: 0 }
  const consumed: number[] = []
  const visible: number[] = []
  for (let id = first; id < last; id++) {
    const at = produced.get(id)!
    consumed.push(o.observer.consumed.get(id)! - at)
    visible.push(o.observer.visible.get(id)! - at)
  }
  return {
    probes: last - first,
    consumedP99: Math.round(quantile(consumed, 0.99)),
    visibleP99: Math.round(quantile(visible, 0.99)),
    visibleP50: Math.round(quantile(visible, 0.5)),
  }
}

/** The observer process (bench/src/freshness-observer.ts): when each probe was consumed, and when visible. */
class Observer {
  readonly consumed = new Map<number, number>()
  readonly visible = new Map<number, number>()
  /** Probes visible when the observer started. */
  seen = 0
  #failure: Error | null = null

  private constructor(private readonly child: ChildProcess) {}

  static async start(options: ObserverOptions): Promise<Observer> {
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../src/freshness-observer.ts'), JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const observer = new Observer(child)
    await new Promise<void>((ready, fail) => {
      child.once('exit', (code) => {
        observer.#failure = new Error(`the freshness observer exited with ${code}`)
        fail(observer.#failure)
      })
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const m = JSON.parse(line) as { ready?: true; visible?: number; consumed?: number; at?: number }
        if (m.ready) {
          observer.seen = m.visible!
          ready()
        } else if (m.consumed !== undefined) observer.consumed.set(m.consumed, m.at!)
        else if (m.visible !== undefined) observer.visible.set(m.visible, m.at!)
      })
    })
    return observer
  }

  /** Waits until probes first..last-1 are all consumed and visible. */
  async waitFor(first: number, last: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs
    for (let id = first; id < last; id++) {
      while (!this.consumed.has(id) || !this.visible.has(id)) {
        if (this.#failure) throw this.#failure
        if (Date.now() > deadline) throw new Error(`probe ${id} was not ${this.consumed.has(id) ? 'visible' : 'consumed'} within ${timeoutMs} ms`)
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

interface DrainResult {
  backlog: number
  /** Events applied per second from the first progress after the restart until caught up. */
  perSecond: number
  /** The same process's rate over the middle of the drain (20 % → 80 % of the backlog applied). */
  steadyPerSecond: number
  drainMs: number
  /** CPU time of the speed process per event applied during the drain, and the cores it used. */
  cpuPerEventUs: number
  cores: number
}

/** Stops the speed process for `outageMs` under production at `rate`, starts it again, measures how fast it catches up. */
/** CPU time (user + system) a process has used so far, in ms, from /proc (Linux). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  // utime and stime are fields 14 and 15 of the line, 12 and 13 after "pid (comm) ", in clock ticks (100 per second).
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100
}

/** Events the speed layer has applied (from its progress in Redis) and events in the log. */
class Lag {
  constructor(
    private readonly ctx: ScenarioContext,
    private readonly admin: Admin,
  ) {}

  async applied(): Promise<number> {
    return Object.values(await this.ctx.services.redis.hgetall(`tf:p:{twinflow-speed:${purchases.topic}}`)).reduce((n, v) => n + Number(v) + 1, 0)
  }

  async ends(): Promise<number> {
    return (await this.admin.fetchTopicOffsets(purchases.topic)).reduce((n, p) => n + Number(p.high), 0)
  }

  async behind(): Promise<number> {
    const [a, e] = await Promise.all([this.applied(), this.ends()])
    return e - a
  }
}

/**
 * The highest rate this deployment sustains with the producer on the same machine: from the speed
 * scenario's consume-only rate down by steps of 1.5×, the first rate at which the producer keeps
 * its pace for 5 s (quick: 3 s) and the speed layer is less than half a second behind 2 s after.
 */
async function sustainableRate(producer: Producer, lag: Lag, start: number, seconds: number, log: (m: string) => void): Promise<number> {
  for (let rate = start; rate >= 500; rate = Math.round(rate / 1.5)) {
    const began = performance.now()
    const sent = await produceAt(producer, rate, seconds)
    const pace = sent / ((performance.now() - began) / 1000)
    await new Promise((r) => setTimeout(r, 2000))
    const behind = await lag.behind()
    log(`  ${rate} events/s: produced at ${Math.round(pace)}/s, ${behind} behind after 2 s`)
    if (pace >= rate * 0.95 && behind <= rate / 2) return rate
    for (const deadline = Date.now() + 60_000; (await lag.behind()) > 0 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error('no rate of at least 500 events/s is sustainable here')
}

async function outage(o: {
  producer: Producer
  rate: number
  outageMs: number
  stop: () => Promise<unknown>
  start: () => Promise<{ pid: number }>
  lag: Lag
}): Promise<DrainResult> {
  const applied = () => o.lag.applied()
  const ends = () => o.lag.ends()
  await o.stop()
  let drained = false
  const producing = produceAt(o.producer, o.rate, (o.outageMs + 600_000) / 1000, undefined, () => drained)
  await new Promise((r) => setTimeout(r, o.outageMs))
  const before = await applied()
  const backlog = (await ends()) - before
  const { pid } = await o.start()
  // From the first progress after the restart until the applied offsets reach the log's end.
  let first: { at: number; applied: number; cpuMs: number } | null = null
  const marks: { at: number; applied: number }[] = []
  const deadline = Date.now() + 600_000
  for (;;) {
    const now = performance.now()
    const [a, e] = await Promise.all([applied(), ends()])
    if (first === null && a > before) first = { at: now, applied: a, cpuMs: cpuMsOf(pid) }
    if (first) marks.push({ at: now, applied: a })
    if (first && e - a <= o.rate / 10) {
      const cpuMs = cpuMsOf(pid) - first.cpuMs
      drained = true
      await producing
      const drainMs = now - first.at
      const events = a - first.applied
      // The middle of the drain: past the restarted process's warm-up, before the backlog runs out.
      const at = (share: number) => marks.find((m) => m.applied - first!.applied >= events * share)!
      const [from, to] = [at(0.2), at(0.8)]
      return {
        backlog,
        perSecond: (events / drainMs) * 1000,
        steadyPerSecond: ((to.applied - from.applied) / (to.at - from.at)) * 1000,
        drainMs: Math.round(drainMs),
        cpuPerEventUs: (cpuMs * 1000) / events,
        cores: cpuMs / drainMs,
      }
    }
    if (Date.now() > deadline) {
      drained = true
      throw new Error(`the speed layer did not catch up within 10 minutes (${e - a} events behind)`)
    }
    await new Promise((r) => setTimeout(r, 50))
  }
}
