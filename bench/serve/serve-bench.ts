/**
 * Benchmark of the serving layer: merged queries per second and p99 latency of Twinflow's GraphQL
 * server, against the same yoga server (same schema, plugins and options) whose resolvers return
 * the same answers as constants. Both run in one child process, measured one after the other with
 * the same load, in one run; the ratios are printed.
 *
 *   npx tsx bench/serve/serve-bench.ts [--seconds 8] [--connections 8]
 */
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import autocannon from 'autocannon'
import { benchQueries } from './bench-queries'

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '8' }, connections: { type: 'string', default: '8' } } })
const seconds = Number(values.seconds)
const connections = Number(values.connections)

const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, 'bench-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] })
const ready = await new Promise<{ twinflow: string; constant: string; responseBytes: number[] }>((done, fail) => {
  child.once('exit', (code) => fail(new Error(`the bench server exited with ${code}`)))
  createInterface({ input: child.stdout! }).on('line', (line) => {
    if (line.startsWith('{"ready"')) done(JSON.parse(line))
  })
})

interface Measure {
  qps: number
  p50: number
  p99: number
  errors: number
}

async function measure(url: string, query: string, duration = seconds): Promise<Measure> {
  const result = await autocannon({
    url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    connections,
    duration,
  })
  return { qps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors + result.non2xx + result.timeouts }
}

const now = Date.now()
const rows: string[] = []
try {
  for (const [i, { name, query }] of benchQueries(now).entries()) {
    // Warm-up (not counted): JIT, caches of parsed documents and of batch parts, connections.
    await measure(ready.twinflow, query, 2)
    await measure(ready.constant, query, 2)
    const twinflow = await measure(ready.twinflow, query)
    const constant = await measure(ready.constant, query)
    if (twinflow.errors || constant.errors) throw new Error(`requests failed: twinflow ${twinflow.errors}, constant ${constant.errors}`)
    rows.push(
      `| ${name} | ${ready.responseBytes[i]} | ${twinflow.qps.toFixed(0)} | ${twinflow.p99} | ${constant.qps.toFixed(0)} | ${constant.p99} | ${(twinflow.qps / constant.qps).toFixed(2)} | ${(twinflow.p99 / constant.p99).toFixed(2)} |`,
    )
  }
} finally {
  child.kill('SIGTERM')
}
console.log(`\nServing benchmark: ${connections} connections, ${seconds} s per measure, Node ${process.version}\n`)
console.log('| query | response bytes | Twinflow q/s | Twinflow p99 ms | constant q/s | constant p99 ms | q/s ratio | p99 ratio |')
console.log('|---|---|---|---|---|---|---|---|')
for (const row of rows) console.log(row)
