/**
 * `npm run bench [-- --quick] [-- --only speed,fencing] [-- --only soak --minutes 10]` (`--scenario alert-latency`: the same as `--only`): starts Kafka, Redis and ClickHouse in
 * containers (the e2e suite's images; prepared by e2e/images/prepare.sh first) when a selected
 * scenario needs them, runs each scenario (framework and hand-written baseline alternating, at
 * least 3 times each), prints the table and writes bench/results/latest.json and
 * bench/results/latest.md. Embedded scenarios (`embedded: true`, on chdb and the in-process runtimes)
 * need no container: a run of those alone starts none.
 */
import { execFileSync } from 'node:child_process'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { BenchServices } from './src/bench-services.ts'
import { describeMachine } from './src/machine.ts'
import { buildReport, renderMarkdown, writeReport } from './src/report.ts'
import type { Scenario, ScenarioResult } from './src/scenario.ts'
import { scenarios } from './scenarios/index.ts'

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    only: { type: 'string' },
    scenario: { type: 'string' },
    repeats: { type: 'string' },
    minutes: { type: 'string' },
  },
})
const repeats = Number(values.repeats ?? 3)
if (!Number.isInteger(repeats) || repeats < 3) throw new Error(`--repeats must be an integer of at least 3, got ${values.repeats}`)
const minutes = values.minutes === undefined ? null : Number(values.minutes)
if (minutes !== null && !(Number.isInteger(minutes) && minutes >= 1)) throw new Error(`--minutes must be a whole number of minutes (at least 1), got ${values.minutes}`)
const only = (values.only ?? values.scenario)?.split(',').map((s) => s.trim())
const unknown = only?.filter((name) => !scenarios.some((s) => s.name === name)) ?? []
if (unknown.length > 0) throw new Error(`unknown scenario(s) ${unknown.join(', ')}; known: ${scenarios.map((s) => s.name).join(', ')}`)
// Opt-in scenarios (the soak) run only when named.
const selected: Scenario[] = only ? scenarios.filter((s) => only.includes(s.name)) : scenarios.filter((s) => !s.optIn)

const started = new Date()
const machine = describeMachine()
const log = (message: string) => console.log(`[bench +${((Date.now() - started.getTime()) / 1000).toFixed(0)}s] ${message}`)
const needsServices = selected.some((s) => !s.embedded)
let services: BenchServices | null = null
if (needsServices) {
  log('preparing Docker and the e2e images (e2e/images/prepare.sh)')
  execFileSync('bash', [resolve(import.meta.dirname, '../e2e/images/prepare.sh')], { stdio: 'inherit' })
  log(`starting the services (${values.quick ? 'quick' : 'full'} run, ${repeats} repetitions)`)
  services = await BenchServices.start()
} else {
  log(`no container needed (${values.quick ? 'quick' : 'full'} run, ${repeats} repetitions)`)
}
const results: ScenarioResult[] = []
const failed: { scenario: string; error: string }[] = []
const earlier = new Map<string, ScenarioResult>()
try {
  for (const scenario of selected) {
    log(`scenario ${scenario.name}`)
    try {
      const context = { quick: values.quick, repeats, earlier, log, minutes }
      const result = scenario.embedded ? await scenario.run(context) : await scenario.run({ ...context, services: services! })
      results.push(result)
      earlier.set(scenario.name, result)
    } catch (error) {
      // One scenario's failure (a refused connection, a timeout) does not throw away the others' measures.
      log(`scenario ${scenario.name} FAILED: ${error instanceof Error ? error.stack : String(error)}`)
      failed.push({ scenario: scenario.name, error: error instanceof Error ? error.message : String(error) })
    }
  }
} finally {
  await services?.stop()
}
const report = buildReport({
  startedAt: started.toISOString(),
  finishedAt: new Date().toISOString(),
  mode: values.quick ? 'quick' : 'full',
  repeats,
  machine,
  images: services?.images ?? [],
  results,
  failed,
})
const dir = resolve(import.meta.dirname, 'results')
writeReport(report, resolve(dir, 'latest.json'), resolve(dir, 'latest.md'))
console.log(`\n${renderMarkdown(report)}`)
console.log(`written: bench/results/latest.json, bench/results/latest.md (${((Date.now() - started.getTime()) / 1000).toFixed(0)} s)`)
process.exit(failed.length > 0 ? 1 : 0)
