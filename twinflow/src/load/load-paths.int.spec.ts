import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { definePipeline, TOKENS, type Clock, type DeadLetter } from '@twinflow/core'
import { masterTableSql } from '@twinflow/batch-layer'
import { createTwinflow } from '../app/create-twinflow.ts'
import type { Twinflow } from '../app/twinflow.ts'
import { embeddedTestConfig } from '../testing/embedded-config.ts'
import { readings, readingsMapping as mapping } from '../testing/readings-stream.ts'
import { loadHistory, type LoadSummary } from './load-history.ts'

const NOW = Date.UTC(2026, 5, 1)
const clock: Clock = { now: () => NOW, sleep: (ms) => new Promise((r) => setTimeout(r, ms)) }
const dir = mkdtempSync(join(tmpdir(), 'twinflow-load-paths-'))

/** Good rows, rows the fast path leaves to the general one, and bad rows of every kind the general path rejects. */
function readingsCsv(): string {
  const header = 'reading_id,label,kind,count,ratio,on,note,level,ts,extra'
  const good = (i: number) => `r${i},l${i % 7},${i % 2 ? 'a' : 'b'},${i * 37 - 500},${i / 8},${i % 2 ? 'true' : '0'},n${i},${i % 5},${NOW - i * 60_000},x`
  const odd = [
    // Accepted by the general path after converting: the fast path leaves them to it.
    'r,l,a, 12 ,1.50,TRUE,,007,2026-01-01T00:00:00Z,x',
    'r,l,b,+3,1e3,False,"",junk,0,x',
    'r,"ta\tb","a",-0,-0,1,"line\nfeed, ""quoted""",5,1,x',
    'r,"back\\\\",a,1,0.1,0,ünïcødé ✓,1,2,x',
    // Rejected, each with its reason.
    'r,l,c,1,1,1,n,1,1,x',
    'r,abcdefghi,a,1,1,1,n,1,1,x',
    'r,l,a,1.5,1,1,n,1,1,x',
    'r,l,a,,1,1,n,1,1,x',
    'r,l,a,9007199254740993,1,1,n,1,1,x',
    'r,l,a,1,NaN,1,n,1,1,x',
    'r,l,a,1,1,yes,n,1,1,x',
    `r,l,a,1,1,1,n,1,${NOW + 3_600_001},x`,
    'r,l,a,1,1,1,n,1,-5,x',
    'r,l,a,1,1,1,n,1,soon,x',
    'r,l,a,1',
    'r,l,a,1,1,1,"n"x,1,1,x',
  ]
  const lines = [header]
  for (let i = 0; i < 300; i++) lines.push(i % 10 === 3 ? odd[((i / 10) % odd.length) | 0]! : good(i))
  lines.push(...odd)
  return `${lines.join('\n')}\n`
}

let twinflow: Twinflow
beforeAll(async () => {
  twinflow = createTwinflow({ pipeline: definePipeline({ streams: [readings], views: [] }), config: embeddedTestConfig({ speed: { foldThreads: 0 } }), clock })
  await twinflow.start([], { connect: ['archiver'], command: 'load test' })
})
afterAll(async () => {
  await twinflow?.stop()
  rmSync(dir, { recursive: true, force: true })
})

async function rowsOf(partition: number): Promise<Record<string, unknown>[]> {
  const driver = twinflow.get(TOKENS.ClickHouseDriver)
  const columns = ['_offset', '_error', ...Object.keys(readings.fields)].join(', ')
  return driver.query(`SELECT ${columns} FROM ${masterTableSql.table(readings)} WHERE _partition = ${partition} ORDER BY _offset`)
}

describe('loadHistory: the text path and the object path', () => {
  it('store the same rows and reject the same records for the same reasons', async () => {
    // The same records; the second file differs by a blank line (skipped), so it is another file.
    const text = join(dir, 'text.csv')
    const objects = join(dir, 'objects.csv')
    writeFileSync(text, readingsCsv())
    writeFileSync(objects, `${readingsCsv()}\n`)
    const letters = () => (twinflow.get(TOKENS.DeadLetterQueue) as unknown as { letters(): DeadLetter[] }).letters()
    const load = async (file: string, textPath: boolean): Promise<{ summary: LoadSummary; letters: unknown[]; rows: unknown[] }> => {
      const before = letters().length
      const summary = await loadHistory(twinflow, { stream: 'readings', files: [file], mapping, blockRows: 64, text: textPath })
      const partition = summary.files[0]!.partition!
      const dead = letters()
        .slice(before)
        .map((l) => ({ offset: l.offset, reason: l.reason, payload: l.payload.toString() }))
      return { summary, letters: dead, rows: await rowsOf(partition) }
    }
    const viaText = await load(text, true)
    const viaObjects = await load(objects, false)
    expect(viaText.summary.files[0]).toMatchObject({ status: 'loaded', rows: 316, inserted: 316 })
    expect(viaText.summary.rejected).toBeGreaterThanOrEqual(12 * 2)
    expect(viaText.summary.rejectedBy).toEqual(viaObjects.summary.rejectedBy)
    expect(viaText.summary.files[0]!.rejected).toBe(viaObjects.summary.files[0]!.rejected)
    expect(viaText.letters).toEqual(viaObjects.letters)
    expect(viaText.rows).toEqual(viaObjects.rows)
    // The converted rows are there as the general path made them.
    expect(viaText.rows.at(-16)).toMatchObject({ _error: '', count: '12', ratio: 1.5, on: 1, note: '', level: '7', ts: String(Date.UTC(2026, 0, 1)) })
    expect(viaText.rows.at(-13)).toMatchObject({ _error: '', label: 'back\\\\', note: 'ünïcødé ✓' })
    expect(viaText.rows.at(-14)).toMatchObject({ _error: '', label: 'ta\tb', count: '0', note: 'line\nfeed, "quoted"' })
  })
})
