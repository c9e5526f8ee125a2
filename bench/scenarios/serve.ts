import { spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { createInterface } from 'node:readline'
import autocannon from 'autocannon'
import { alternate } from '../src/alternate.ts'
import { ratios } from '../src/stats.ts'
import { summarize } from '../src/stats.ts'
import type { Check, Scenario, ScenarioContext } from '../src/scenario.ts'
import { benchQueries, ORDERS_TOPIC } from '../serve/bench-queries.ts'
import { probeEndOffsets, type ProbeResult } from '../src/end-offsets-probe.ts'
import { pacedLoad } from '../src/paced-load.ts'

const CONNECTIONS = 8

interface Load {
  qps: number
  p50: number
  p99: number
}

/**
 * serve: merged GraphQL queries per second of Twinflow's serving layer (batch version below the
 * cutoff from ClickHouse, realtime windows above it from Redis, merged at the requested
 * granularity, with freshness) against the same yoga server (same schema, plugins, limits)
 * whose resolvers return the same answers as constants (checked equal first). The servers run
 * in a child process on the benchmark's services; autocannon (8 connections) loads them from this
 * process. Then the p99 latency of Twinflow at half its saturating rate (an open-loop load), and,
 * for an answer whose freshness reads the log's end offsets, the latency of that read alone, made
 * from this process meanwhile: what the broker gives it under that load.
 */
export const serveScenario: Scenario = {
  name: 'serve',
  async run(ctx: ScenarioContext) {
    await ctx.services.reset()
    const seconds = ctx.quick ? 2 : 8
    const config = ctx.services.configFile(ctx.services.config())
    const admin = ctx.services.kafka.admin()
    await admin.connect()
    // As deployed (README): NODE_ENV=production turns off graphql-js's development checks.
    const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../serve/bench-server.ts'), config], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, NODE_ENV: 'production' },
    })
    try {
      const ready = await new Promise<{ twinflow: string; constant: string; responseBytes: number[]; now: number }>((done, fail) => {
        child.once('exit', (code) => fail(new Error(`the serve benchmark's server exited with ${code}`)))
        createInterface({ input: child.stdout! }).on('line', (line) => {
          if (line.startsWith('{"ready"')) done(JSON.parse(line))
        })
      })
      const checks: Check[] = []
      for (const [i, { name, query, readsLogEnds }] of benchQueries(ready.now).entries()) {
        ctx.log(`  query: ${name}`)
        // Warm-up (not counted): JIT, parsed documents, batch parts, connections.
        await load(ready.twinflow, query, ctx.quick ? 1 : 2)
        await load(ready.constant, query, ctx.quick ? 1 : 2)
        const runs = await alternate(ctx.repeats, { framework: () => load(ready.twinflow, query, seconds), baseline: () => load(ready.constant, query, seconds) }, { log: ctx.log })
        const framework = runs.framework.map((r) => r.qps)
        const baseline = runs.baseline.map((r) => r.qps)
        const half = Math.max(1, Math.round(summarize(framework).median / 2))
        // An answer that reads the log's end offsets: the same read, made from this process meanwhile.
        const logEnds: ProbeResult[] = []
        const probed = async () => {
          const probe = readsLogEnds ? probeEndOffsets(admin, ORDERS_TOPIC) : null
          try {
            return await paced(ready.twinflow, query, half, seconds)
          } finally {
            if (probe) logEnds.push(await probe.stop())
          }
        }
        const atHalf = await alternate(ctx.repeats, { framework: probed, baseline: () => paced(ready.constant, query, half, seconds) }, { log: ctx.log })
        // Reference: what half saturation costs a server on this machine whatever it does per request.
        const ownHalf = Math.max(1, Math.round(summarize(baseline).median / 2))
        const constantAtOwnHalf = await alternate(ctx.repeats, { baseline: () => paced(ready.constant, query, ownHalf, seconds) }, { log: ctx.log })
        const short = name.split(':')[0] === 'series' ? name.slice(8) : name
        checks.push(
          {
            name: `q/s ÷ constant resolvers — ${short} (${ready.responseBytes[i]} B)`,
            samples: ratios(framework, baseline),
            unit: '×',
            target: { op: '>=', value: 0.35 },
            figures: { unit: 'q/s', framework, baseline },
          },
          {
            name: `p99 at half saturation (${half} q/s) — ${short}`,
            samples: atHalf.framework.map((r) => r.p99),
            unit: 'ms',
            target: { op: '<=', value: 20 },
            figures: { unit: 'ms p99', framework: atHalf.framework.map((r) => r.p99), baseline: atHalf.baseline.map((r) => r.p99) },
          },
          {
            name: `reference: constant resolvers' p99 at their own half saturation (${ownHalf} q/s) — ${short}`,
            samples: constantAtOwnHalf.baseline.map((r) => r.p99),
            unit: 'ms',
            target: null,
          },
        )
        if (readsLogEnds) {
          checks.push({
            name: `reference: p99 of the log's end-offset read (kafkajs fetchTopicOffsets) from the benchmark's process during those measures — ${short}`,
            samples: logEnds.map((p) => p.p99),
            unit: 'ms',
            target: null,
          })
        }
      }
      return {
        scenario: 'serve',
        setup: [
          `Online store: 30,000 orders over 30 days published by a batch run (ClickHouse), 2,000 live ones in the speed layer (Redis); ${CONNECTIONS} connections, ${seconds} s per measure after a warm-up;`,
          "the same yoga server with constant resolvers as baseline; p99 at half saturation: an open-loop load, evenly spaced, at half the median Twinflow rate, latency counted from each request's due time;",
          'reference: the constant server loaded the same way at half its own saturating rate;',
          "for the answer with freshness, reference: the end-offset read its pendingEvents needs (kafkajs fetchTopicOffsets), made every 20 ms from the benchmark's process during Twinflow's measures at half saturation.",
        ],
        checks,
      }
    } finally {
      child.kill('SIGTERM')
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)))
      await admin.disconnect()
    }
  },
}

async function paced(url: string, query: string, rate: number, seconds: number) {
  const result = await pacedLoad(url, JSON.stringify({ query }), { rate, seconds })
  if (result.errors > 0) throw new Error(`${result.errors} of ${result.requests} paced requests to ${url} failed; the first: ${result.firstError}`)
  return result
}

async function load(url: string, query: string, duration: number): Promise<Load> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    connections: CONNECTIONS,
    duration,
  })
  const errors = result.errors + result.non2xx + result.timeouts
  if (errors > 0) throw new Error(`${errors} requests to ${url} failed`)
  return { qps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99 }
}
