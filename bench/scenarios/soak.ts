import { TwinflowProcess } from '@twinflow/e2e/process'
import { CompressionTypes, type Producer } from 'kafkajs'
import { generatePurchases, purchaseMessages } from '../src/generate-purchases.ts'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { heapGrowth, heapSnapshotNodeOptions, takeHeapSnapshot } from '../src/heap-snapshot.ts'
import { duringPause, type PauseWindow } from '../src/pause-windows.ts'
import { heapUsedOf, rssOf } from '../src/process-memory.ts'
import { countryDevice, purchases, shopSales } from '../src/purchases.ts'
import { SseSubscription } from '../src/sse-subscription.ts'
import { quantile, roundToTenth, summarize } from '../src/stats.ts'
import { steadyQueries, type QuerySample } from '../src/steady-queries.ts'
import type { Check, Scenario, ScenarioContext, SeriesTable } from '../src/scenario.ts'

/** Events produced per second, live (stamped now): a steady load well below what the machine sustains. */
const RATE = 2000
/** GraphQL queries per second, open loop, the three queries in turn. */
const QUERIES_PER_SECOND = 20
/** Subscriptions open throughout, each on a few shops of the live minute windows. */
const SUBSCRIPTIONS = 3
const MINUTE = 60_000
const ROLES = ['archiver', 'speed', 'batch', 'serve'] as const
type Role = (typeof ROLES)[number]
/** Memory must stay within this factor of its level after the warm-up. */
const FLAT = 1.1
/**
 * Memory is sampled this often; a minute's figure is the lowest of its samples. The heap in use is
 * a sawtooth between collections (a process's samples a minute apart varied by half without any
 * growth): its floor is what stays live, and a leak raises the floor.
 */
const SAMPLE_EVERY = 5000

/** A minute's memory per process: the lowest of its samples (SAMPLE_EVERY apart; minute 0 one sample). */
interface MemorySample {
  minute: number
  rss: Record<Role, number>
  heap: Record<Role, number>
}

/**
 * soak: the four roles as `twinflow start` processes (archiver, speed, batch with a run every
 * minute, serve) on the real services, under steady production (RATE events/s), an open-loop query
 * load (QUERIES_PER_SECOND) and SUBSCRIPTIONS subscriptions over SSE, for `--minutes` (30 by
 * default, 3 with `--quick`). Every 5 s it samples each process's RSS (/proc) and V8 heap in use
 * (its /metrics), and keeps each minute's lowest. It reports each process's memory at the start and the end, the p99 of the queries
 * per minute, and every error: failed or erroring queries, subscription errors and drops, error log
 * lines, failed batch runs, processes that exited. Memory is flat when, after the warm-up (the first
 * sixth of the run, at least a minute), the median of the last three samples is within 10 % of the
 * median of the three samples after the warm-up (fewer samples in a run too short for six), and
 * when each process's live heap (heap snapshots, each after a full collection, at the end of the
 * warm-up and at the end) grew by less than 10 %.
 */
export const soakScenario: Scenario = {
  name: 'soak',
  optIn: true,
  async run(ctx: ScenarioContext) {
    const { services } = ctx
    const minutes = ctx.minutes ?? (ctx.quick ? 3 : 30)
    const warmUp = Math.max(1, Math.round(minutes / 6))
    await services.reset()
    const config = services.configFile(services.config({ batch: { schedule: '* * * * *' } }))
    const processes = {} as Record<Role, { process: TwinflowProcess; metrics: string } & LogLines>
    // Heap snapshots of every process at the end of the warm-up and at the end: each is preceded by
    // a full collection, so the heap in use just after it is what is live (no floating garbage).
    const snapshots = mkdtempSync(join(tmpdir(), 'twinflow-soak-heap-'))
    const liveHeap: Record<'warm' | 'end', Partial<Record<Role, number>>> = { warm: {}, end: {} }
    // Writing a snapshot stops its process for seconds: requests in flight then fail by our doing.
    const pauses: PauseWindow[] = []
    const snapshotAll = async (label: 'warm' | 'end') => {
      const pause = { from: Date.now(), to: Number.POSITIVE_INFINITY }
      pauses.push(pause)
      try {
        await snapshotEach(label)
      } finally {
        pause.to = Date.now()
      }
    }
    const snapshotEach = async (label: 'warm' | 'end') => {
      for (const role of ROLES) {
        const { process, metrics } = processes[role]
        await takeHeapSnapshot(process.pid, join(snapshots, role), label, async () => {
          liveHeap[label][role] = await heapUsedOf(metrics)
        })
      }
    }
    // Log lines are counted from the start of the load; those of the start-up are reported apart.
    let measuring = false
    const producer = services.kafka.producer({ allowAutoTopicCreation: false })
    let production: { stop(): Promise<number> } | null = null
    let queries: ReturnType<typeof steadyQueries> | null = null
    const subscriptions: SseSubscription[] = []
    try {
      for (const role of ROLES) {
        const process = await TwinflowProcess.start({
          name: role,
          args: ['start', '--role', role, '--config', config],
          env: { NODE_OPTIONS: heapSnapshotNodeOptions(join(snapshots, role)) },
          readyWhen: /Operations: http:\/\/\S+\/healthz/,
          timeoutMs: 90_000,
          logLevel: 'warn',
        })
        const ops = /Operations: (http:\/\/\S+)\/healthz/.exec(process.output())![1]!
        const entry = { process, metrics: `${ops}/metrics`, errors: [] as string[], warnings: [] as string[], startUp: [] as string[] }
        for (const line of process.output().split('\n')) noteLogLine(line, entry, false)
        process.onOutput((text) => {
          for (const line of text.split('\n')) noteLogLine(line, entry, measuring)
        })
        processes[role] = entry
      }
      const url = /GraphQL: (http:\/\/\S+)/.exec(processes.serve.process.output())![1]!
      await producer.connect()
      const began = Date.now()
      measuring = true
      production = steadyProduction(producer, RATE)
      queries = steadyQueries(url, soakQueries(began), QUERIES_PER_SECOND)
      for (let i = 0; i < SUBSCRIPTIONS; i++) subscriptions.push(await SseSubscription.open(url, subscriptionQuery(began, i)))
      ctx.log(`  soak: ${minutes} min, warm-up ${warmUp} min; ${RATE} events/s, ${QUERIES_PER_SECOND} q/s, ${SUBSCRIPTIONS} subscriptions`)

      const memory: MemorySample[] = []
      const pushes: number[] = []
      const measure = async (): Promise<Omit<MemorySample, 'minute'>> => {
        for (const role of ROLES) if (!processes[role].process.running) throw new Error(`the ${role} process exited:\n${processes[role].process.tail()}`)
        const sample = { rss: {} as Record<Role, number>, heap: {} as Record<Role, number> }
        for (const role of ROLES) {
          sample.rss[role] = rssOf(processes[role].process.pid)
          sample.heap[role] = await heapUsedOf(processes[role].metrics)
        }
        return sample
      }
      for (let minute = 0; minute <= minutes; minute++) {
        const due = began + minute * MINUTE
        const within: Omit<MemorySample, 'minute'>[] = []
        while (due - Date.now() > SAMPLE_EVERY) {
          await new Promise((r) => setTimeout(r, SAMPLE_EVERY))
          within.push(await measure())
        }
        if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()))
        within.push(await measure())
        const sample: MemorySample = { minute, rss: {} as Record<Role, number>, heap: {} as Record<Role, number> }
        for (const role of ROLES) {
          sample.rss[role] = Math.min(...within.map((w) => w.rss[role]))
          sample.heap[role] = Math.min(...within.map((w) => w.heap[role]))
        }
        memory.push(sample)
        pushes.push(subscriptions.reduce((n, s) => n + s.pushes, 0))
        ctx.log(`  minute ${minute}: ${ROLES.map((r) => `${r} rss ${mib(sample.rss[r])} heap ${mib(sample.heap[r])}`).join(', ')} MiB`)
        if (minute === warmUp || minute === minutes) {
          await snapshotAll(minute === minutes ? 'end' : 'warm')
          ctx.log(`  heap snapshots (${snapshots}), live heap MiB: ${ROLES.map((r) => `${r} ${mib(liveHeap[minute === minutes ? 'end' : 'warm'][r]!)}`).join(', ')}`)
        }
      }
      await queries.stop()
      const produced = await production.stop()
      production = null
      for (const s of subscriptions) s.close()

      const runs = await batchRuns(ctx)
      const growth = heapGrowth(join(snapshots, 'serve', 'warm.heapsnapshot'), join(snapshots, 'serve', 'end.heapsnapshot'))
      return report({
        minutes,
        warmUp,
        began,
        memory,
        liveHeap,
        snapshots,
        growth,
        pauses,
        pushes,
        samples: queries.samples,
        firstQueryError: queries.firstError(),
        subscriptions,
        processes,
        produced,
        runs,
      })
    } finally {
      for (const s of subscriptions) s.close()
      await queries?.stop()
      await production?.stop()
      await producer.disconnect().catch(() => {})
      await Promise.allSettled(ROLES.map((role) => processes[role]?.process.stop()))
    }
  },
}

interface LogLines {
  errors: string[]
  warnings: string[]
  /** Errors and warnings logged while the processes started, before the load. */
  startUp: string[]
}

function noteLogLine(line: string, into: LogLines, measuring: boolean): void {
  const level = /"level":"(error|warn)"/.exec(line)?.[1]
  if (!level) return
  if (!measuring) into.startUp.push(line.slice(0, 500))
  else if (level === 'error') into.errors.push(line.slice(0, 500))
  else into.warnings.push(line.slice(0, 500))
}

/** Produces `rate` live events per second in ticks of 10 ms until stopped; resolves with the number produced. */
function steadyProduction(producer: Producer, rate: number): { stop(): Promise<number> } {
  let stopped = false
  let sent = 0
  const done = (async () => {
    const start = performance.now()
    let seed = 1
    const pending = new Set<Promise<unknown>>()
    while (!stopped) {
      const due = Math.floor(((performance.now() - start) / 1000) * rate)
      for (let n = Math.min(2000, due - sent); n > 0; n = Math.min(2000, due - sent)) {
        const now = Date.now()
        const send = producer.send({
          topic: purchases.topic,
          messages: purchaseMessages(generatePurchases(n, { seed: seed++, from: now, to: now + 1 })),
          compression: CompressionTypes.None,
        })
        pending.add(send)
        void send.finally(() => pending.delete(send))
        sent += n
      }
      await new Promise((r) => setTimeout(r, 10))
    }
    await Promise.all(pending)
  })()
  return {
    async stop() {
      stopped = true
      await done
      return sent
    },
  }
}

/** The load's queries (each spans the batch cutoff, so each merges both layers), bodies ready to POST. */
function soakQueries(now: number): string[] {
  const iso = (t: number) => new Date(t).toISOString()
  const day = now - (now % 86_400_000)
  return [
    `{ recent: ${shopSales.name}(from: "${iso(now - 2 * 3_600_000)}", to: "${iso(now + 3 * 3_600_000)}", where: { shopIn: ["shop-0", "shop-1", "shop-2"] }) { cutoff version totalCount rows { windowStart shop purchases revenueCents items } freshness { cutoff batchVersion newestEventTime realtimeLagMs pendingEvents } } }`,
    `{ top: ${shopSales.name}Top(from: "${iso(day)}", to: "${iso(day + 86_400_000)}", by: REVENUE_CENTS, limit: 10) { cutoff rows { shop purchases revenueCents } } }`,
    `{ hourly: ${countryDevice.name}(from: "${iso(day)}", to: "${iso(day + 86_400_000)}", granularity: HOUR, where: { country: "DE" }) { cutoff rows { windowStart device purchases avgAmountCents } } }`,
  ].map((query) => JSON.stringify({ query }))
}

function subscriptionQuery(now: number, i: number): string {
  const iso = (t: number) => new Date(t).toISOString()
  return `subscription { ${shopSales.name}(from: "${iso(now - 3_600_000)}", to: "${iso(now + 3 * 3_600_000)}", where: { shopIn: ["shop-${i}", "shop-${i + 10}"] }) { cutoff rows { windowStart shop purchases revenueCents } } }`
}

/** Batch runs recorded in the run history: succeeded and failed (the newest record of each run). */
async function batchRuns(ctx: ScenarioContext): Promise<{ succeeded: number; failed: number; errors: string[] }> {
  const result = await ctx.services.clickhouse.query({
    query: 'SELECT run_id, argMax(status, (recorded_at, seq)) AS s, argMax(error, (recorded_at, seq)) AS e FROM tf_batch_runs GROUP BY run_id',
    format: 'JSONEachRow',
  })
  const rows = await result.json<{ s: string; e: string | null }>()
  return {
    succeeded: rows.filter((r) => r.s === 'succeeded').length,
    failed: rows.filter((r) => r.s === 'failed').length,
    errors: rows.filter((r) => r.s === 'failed').map((r) => String(r.e)),
  }
}

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(1)

function report(r: {
  minutes: number
  warmUp: number
  began: number
  memory: MemorySample[]
  liveHeap: Record<'warm' | 'end', Partial<Record<Role, number>>>
  snapshots: string
  /** The serve process's objects that grew most between its two snapshots. */
  growth: string[]
  /** When the snapshots paused the processes. */
  pauses: PauseWindow[]
  pushes: number[]
  samples: QuerySample[]
  firstQueryError: string | null
  subscriptions: SseSubscription[]
  processes: Record<Role, LogLines>
  produced: number
  runs: { succeeded: number; failed: number; errors: string[] }
}) {
  const median = (values: number[]) => summarize(values).median
  // Three samples at each end (fewer in a short run, so that the two never overlap).
  // The warm-up's heap snapshots raise every process's RSS by what writing them took (about 200 MiB
  // that stays resident), so the baseline is the minutes after them (the end's are taken after its
  // samples, so both ends carry the same cost).
  const k = Math.max(1, Math.min(3, Math.floor((r.minutes - r.warmUp) / 2)))
  const afterWarmUp = r.memory.filter((m) => m.minute > r.warmUp && m.minute <= r.warmUp + k)
  const end = r.memory.slice(-k)
  const checks: Check[] = []
  for (const kind of ['rss', 'heap'] as const) {
    for (const role of ROLES) {
      const warm = median(afterWarmUp.map((m) => m[kind][role]))
      const last = median(end.map((m) => m[kind][role]))
      checks.push({
        name: `${role}: ${kind === 'rss' ? 'RSS' : 'V8 heap used'}, end ÷ after warm-up (medians of ${k} samples)`,
        samples: [last / warm],
        unit: '×',
        target: { op: '<=', value: FLAT },
        figures: { unit: 'MiB', framework: [last / 2 ** 20], baseline: [warm / 2 ** 20] },
      })
    }
  }
  for (const role of ROLES) {
    const warm = r.liveHeap.warm[role]!
    const last = r.liveHeap.end[role]!
    checks.push({
      name: `${role}: live V8 heap (in use after the full collection of a heap snapshot), end ÷ end of warm-up`,
      samples: [last / warm],
      unit: '×',
      target: { op: '<=', value: FLAT },
      figures: { unit: 'MiB', framework: [last / 2 ** 20], baseline: [warm / 2 ** 20] },
    })
  }
  // Queries per minute of the run (by when each was due).
  const perMinute: QuerySample[][] = Array.from({ length: r.minutes }, () => [])
  for (const s of r.samples) {
    const minute = Math.floor((s.due - r.began) / MINUTE)
    if (minute >= 0 && minute < r.minutes) perMinute[minute]!.push(s)
  }
  const p99s = perMinute
    .filter((m) => m.length > 0)
    .map((m) =>
      quantile(
        m.map((s) => s.ms),
        0.99,
      ),
    )
  checks.push({ name: 'query p99 per minute (median over the minutes; min and max: best and worst minute)', samples: p99s.map(roundToTenth), unit: 'ms', target: null })
  const failed = r.samples.filter((s) => !s.ok)
  // Failures while a snapshot paused a process are reported apart: they are the measurement's.
  const failedInPauses = failed.filter((s) => duringPause(s, r.pauses)).length
  const failedQueries = failed.length - failedInPauses
  const subscriptionErrors = r.subscriptions.reduce((n, s) => n + s.errors + s.drops, 0)
  const errorLines = ROLES.reduce((n, role) => n + r.processes[role].errors.length, 0)
  checks.push({
    name: 'errors: failed queries (outside the snapshot pauses) + subscription errors and drops + error log lines + failed batch runs',
    samples: [failedQueries + subscriptionErrors + errorLines + r.runs.failed],
    unit: '',
    target: { op: '<=', value: 0 },
  })

  const startAndEnd = (kind: 'rss' | 'heap') => ROLES.map((role) => `${role} ${mib(r.memory[0]![kind][role])} → ${mib(r.memory.at(-1)![kind][role])}`).join(', ')
  const problems = [
    r.firstQueryError ? `first query failure: ${r.firstQueryError}` : null,
    ...r.subscriptions.map((s, i) => (s.firstProblem ? `subscription ${i}: ${s.firstProblem}` : null)),
    ...ROLES.flatMap((role) => r.processes[role].errors.slice(0, 3).map((line) => `${role} error: ${line}`)),
    ...r.runs.errors.slice(0, 3).map((e) => `failed batch run: ${e}`),
  ].filter((p) => p !== null)
  const warnings = ROLES.map((role) => `${role} ${r.processes[role].warnings.length}`).join(', ')
  const firstWarnings = ROLES.flatMap((role) => r.processes[role].warnings.slice(0, 1).map((line) => `${role}: ${line}`))
  const startUp = ROLES.flatMap((role) => r.processes[role].startUp.slice(0, 2).map((line) => `${role}: ${line}`))
  const memoryTable: SeriesTable = {
    title: 'per minute: queries (by due time), pushes and memory (the lowest of its samples) of the minute that ends at `minute`',
    columns: ['minute', 'queries', 'failed', 'p50 ms', 'p99 ms', 'subscription pushes', ...ROLES.map((role) => `${role} RSS / heap MiB`)],
    rows: r.memory.map((m) => {
      const q = perMinute[m.minute - 1] ?? []
      const latencies = q.map((s) => s.ms)
      return [
        m.minute,
        q.length,
        q.filter((s) => !s.ok).length,
        latencies.length ? roundToTenth(quantile(latencies, 0.5)) : '—',
        latencies.length ? roundToTenth(quantile(latencies, 0.99)) : '—',
        r.pushes[m.minute]! - (r.pushes[m.minute - 1] ?? 0),
        ...ROLES.map((role) => `${mib(m.rss[role])} / ${mib(m.heap[role])}`),
      ]
    }),
  }
  return {
    scenario: 'soak',
    setup: [
      `The archiver, speed, batch (a run of both views every minute) and serve roles as four \`twinflow start\` processes for ${r.minutes} minutes (warm-up ${r.warmUp}):`,
      `${r.produced.toLocaleString('en')} live events produced (${RATE}/s), ${r.samples.length.toLocaleString('en')} queries (${QUERIES_PER_SECOND}/s open loop, three queries in turn, ${failedQueries} failed, and ${failedInPauses} in flight while a heap snapshot paused a process), ${SUBSCRIPTIONS} SSE subscriptions (${r.subscriptions.reduce((n, s) => n + s.pushes, 0).toLocaleString('en')} pushes, ${r.subscriptions.reduce((n, s) => n + s.drops, 0)} drops), ${r.runs.succeeded} batch runs succeeded and ${r.runs.failed} failed.`,
      `RSS MiB at the start → end: ${startAndEnd('rss')}; V8 heap used MiB: ${startAndEnd('heap')}.`,
      `Heap snapshots at minutes ${r.warmUp} and ${r.minutes} in ${r.snapshots}; the serve process's largest growth between them: ${r.growth.join(', ') || 'none'}.`,
      `Warning log lines: ${warnings}${firstWarnings.length > 0 ? ` (first: ${firstWarnings.join(' | ')})` : ''}.`,
      ...(startUp.length > 0 ? [`Logged while starting, before the load (not counted): ${startUp.join(' | ')}.`] : []),
      ...(problems.length > 0 ? [`Errors: ${problems.join(' | ')}`] : ['No error.']),
    ],
    checks,
    tables: [memoryTable],
  }
}
