import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import type { EmbeddedScenario } from '../src/scenario.ts'

/** Orders a full and a quick run put through the process. */
const EVENTS = { quick: 300_000, full: 3_000_000 }

interface ChildResult {
  peakRss: number
  rssAtStart: number
  rssAtEnd: number
  ingestedMs: number
  totalMs: number
  counted: number
}

/** Runs the measured process once with one log and returns what it printed. */
function runChild(events: number, eventLog: 'local' | 'memory'): Promise<ChildResult> {
  const dataDir = mkdtempSync(join(tmpdir(), `twinflow-bench-memory-${eventLog}-`))
  const child = spawn(process.execPath, ['--import', 'tsx', resolve(import.meta.dirname, '../src/embedded-memory-child.ts'), JSON.stringify({ events, eventLog, dataDir })], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()))
  return new Promise((done, fail) => {
    child.on('error', fail)
    child.on('exit', (code) => {
      rmSync(dataDir, { recursive: true, force: true })
      const line = out.trim().split('\n').at(-1)
      if (code !== 0 || !line) return fail(new Error(`the ${eventLog}-log process exited with ${code}: ${out}`))
      const result = JSON.parse(line) as ChildResult
      if (result.counted !== events) return fail(new Error(`the ${eventLog}-log process counted ${result.counted} orders in its six-month answer, not ${events}`))
      done(result)
    })
  })
}

/**
 * embedded-memory: the peak RSS of one process running every role on the embedded runtimes (the
 * durable local log, chdb, the in-process store) after it ingested, applied, archived and
 * recomputed 3 million orders of about 130 bytes spread over six past months, and answered a
 * six-month query; side by side with the same process on the in-memory log (which keeps every
 * message), the memory the log's retention saves. One run of each: a run is minutes, and peak RSS
 * varies little between runs.
 */
export const embeddedMemoryScenario: EmbeddedScenario = {
  name: 'embedded-memory',
  embedded: true,
  async run(ctx) {
    const events = ctx.quick ? EVENTS.quick : EVENTS.full
    ctx.log(`one process, every role, ${events} orders on the local log`)
    const local = await runChild(events, 'local')
    ctx.log(`the same on the in-memory log`)
    const memory = await runChild(events, 'memory')
    const rate = (r: ChildResult) => Math.round(events / (r.ingestedMs / 1000))
    return {
      scenario: 'embedded-memory',
      setup: [
        `${events} orders (generator source, 200 values per key field) over 182 days; every role in one process; a batch run of the 3 views and a six-month query after all were applied`,
        `local log: ingested in ${(local.ingestedMs / 1000).toFixed(1)} s (${rate(local)} events/s), done in ${(local.totalMs / 1000).toFixed(1)} s; RSS at start ${local.rssAtStart.toFixed(0)} MB, at the end ${local.rssAtEnd.toFixed(0)} MB`,
        `in-memory log: ingested in ${(memory.ingestedMs / 1000).toFixed(1)} s (${rate(memory)} events/s), done in ${(memory.totalMs / 1000).toFixed(1)} s; RSS at start ${memory.rssAtStart.toFixed(0)} MB, at the end ${memory.rssAtEnd.toFixed(0)} MB`,
      ],
      checks: [
        { name: `peak RSS after ${events} events, local log (the embedded default)`, samples: [local.peakRss], unit: 'MB', target: { op: '<=', value: 1024 } },
        { name: 'reference: peak RSS, in-memory log', samples: [memory.peakRss], unit: 'MB', target: null },
        { name: 'reference: local ÷ in-memory peak RSS', samples: [local.peakRss / memory.peakRss], unit: 'ratio', target: null },
      ],
    }
  },
}
