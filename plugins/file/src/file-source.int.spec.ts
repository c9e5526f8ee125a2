import { appendFile, mkdir, mkdtemp, rename, rm, truncate, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createJsonLogger, END_OF_INPUT, type Source, type SourceMessage, systemClock } from '@twinflow/core'
import { sourceConformance } from '@twinflow/testing/conformance'
import { parquetWriteBuffer } from 'hyparquet-writer'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeFileCheckpoint } from './file-checkpoint.ts'
import { parseFileSourceOptions, type FileSourceOptionsInput } from './file-source-options.ts'
import { FileSource } from './file-source.ts'

const root = await mkdtemp(join(tmpdir(), 'twinflow-file-source-'))
afterAll(() => rm(root, { recursive: true, force: true }))
let dirs = 0
async function folder(): Promise<string> {
  const dir = join(root, `d${dirs++}`)
  await mkdir(dir, { recursive: true })
  return dir
}

const logs: { level: string; msg: string; [k: string]: unknown }[] = []
const logger = createJsonLogger({ level: 'info', write: (line) => void logs.push(JSON.parse(line)) })

function source(dir: string, glob: string, options: Partial<FileSourceOptionsInput> = {}): FileSource {
  return new FileSource('files', 'orders', parseFileSourceOptions({ stream: 'orders', path: join(dir, glob), pollIntervalMs: 20, ...options }), systemClock, logger)
}

/** A message as the conformance suite sees it, and as tests compare them. */
const text = (m: SourceMessage) => ('record' in m ? JSON.stringify(m.record) : `${'rejected' in m ? `${m.rejected} ` : ''}${m.value.toString()}`)

/** Connects, reads batches acking each until the end (or `count` batches), closes; returns the messages and the last checkpoint. */
async function drain(s: Source, count = Number.POSITIVE_INFINITY, from: string | null = null) {
  const messages: SourceMessage[] = []
  let checkpoint: string | null = from
  await s.connect(from)
  try {
    for (let i = 0; i < count; i++) {
      const batch = await s.read(new AbortController().signal)
      if (batch === END_OF_INPUT) break
      messages.push(...batch.messages)
      checkpoint = batch.checkpoint ?? checkpoint
      await batch.ack({ accepted: batch.messages.length, rejected: [] })
    }
  } finally {
    await s.close()
  }
  return { messages, checkpoint }
}

/** The next batch that has messages, acked (as are the empty ones before it: a watch source's checkpoint-only batches). */
async function nextMessages(s: Source, timeoutMs = 10_000): Promise<{ messages: SourceMessage[]; checkpoint: string }> {
  const signal = AbortSignal.timeout(timeoutMs)
  for (;;) {
    const batch = await s.read(signal)
    if (batch === END_OF_INPUT) throw new Error('unexpected end')
    await batch.ack({ accepted: batch.messages.length, rejected: [] })
    if (batch.messages.length > 0) return { messages: batch.messages, checkpoint: batch.checkpoint! }
  }
}

/** Whether a read finds nothing within `ms` (it is aborted then). */
async function readsNothing(s: Source, ms = 300): Promise<boolean> {
  const abort = new AbortController()
  const timer = setTimeout(() => abort.abort(new Error('nothing')), ms)
  try {
    for (;;) {
      const batch = await s.read(abort.signal)
      if (batch === END_OF_INPUT || batch.messages.length > 0) return false
      await batch.ack({ accepted: 0, rejected: [] })
    }
  } catch {
    return true
  } finally {
    clearTimeout(timer)
  }
}

// --- The conformance suite, once per format, over several files and batches -----------------------

const rows = (file: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: `f${file}-${i}`, cents: String(i * 10 + file) }))
const csvDir = await folder()
const ndjsonDir = await folder()
const jsonDir = await folder()
const parquetDir = await folder()
const idleDir = await folder()
const expected: string[] = []
for (let f = 0; f < 3; f++) {
  const r = rows(f, 40 + f)
  expected.push(...r.map((x) => JSON.stringify(x)))
  await writeFile(join(csvDir, `orders-${f}.csv`), `id,cents\r\n${r.map((x) => `${x.id},"${x.cents}"`).join('\r\n')}\r\n`)
  await writeFile(join(ndjsonDir, `orders-${f}.ndjson`), r.map((x) => `${JSON.stringify(x)}\n`).join(''))
  await writeFile(join(jsonDir, `orders-${f}.json`), JSON.stringify(r, null, 1))
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: r.map((x) => x.id), type: 'STRING' },
      { name: 'cents', data: r.map((x) => x.cents), type: 'STRING' },
    ],
    rowGroupSize: 16,
  })
  await writeFile(join(parquetDir, `orders-${f}.parquet`), new Uint8Array(buffer))
}
sourceConformance('file (csv)', { open: () => source(csvDir, '*.csv', { batchSize: 7 }), expected, openIdle: () => source(idleDir, '*.csv', { mode: 'watch' }) })
sourceConformance('file (ndjson, watched)', {
  open: () => source(ndjsonDir, '*.ndjson', { batchSize: 9 }),
  expected,
  openIdle: () => source(idleDir, '*.ndjson', { mode: 'watch' }),
})
sourceConformance('file (json arrays)', { open: () => source(jsonDir, '*.json', { batchSize: 11 }), expected })
sourceConformance('file (parquet)', { open: () => source(parquetDir, '*.parquet', { batchSize: 5 }), expected })

// --- Behaviour ---------------------------------------------------------------------------------------

describe('file source', () => {
  it('positions name the file and its line; rows it cannot read are rejected with the reader reason', async () => {
    const dir = await folder()
    const lines = [
      'id,cents,note', // line 1
      '1,10,plain',
      '2,20,"two', // a quoted field over two lines: the record is on line 3
      'lines"',
      '',
      '3,30', // one field short
      Buffer.from([0x34, 0x2c, 0xff, 0x2c, 0x78]).toString('latin1'), // invalid UTF-8
      '5,50,"never closed',
    ]
    const bytes = Buffer.concat(lines.map((l, i) => Buffer.concat([Buffer.from(l, 'latin1'), Buffer.from(i < lines.length - 1 ? '\n' : '')])))
    await writeFile(join(dir, 'orders-2026-03.csv'), bytes)
    const { messages } = await drain(source(dir, '*.csv'))
    expect(messages.map((m) => [m.position, 'rejected' in m ? m.rejected : 'record' in m ? m.record : null])).toEqual([
      ['orders-2026-03.csv:line 2', { id: '1', cents: '10', note: 'plain' }],
      ['orders-2026-03.csv:line 3', { id: '2', cents: '20', note: 'two\nlines' }],
      ['orders-2026-03.csv:line 6', 'csv: 2 fields where the header has 3'],
      ['orders-2026-03.csv:line 7', 'csv: the record is not valid UTF-8'],
      ['orders-2026-03.csv:line 8', 'csv: the file ends inside a quoted field'],
    ])
    expect(Buffer.isBuffer((messages[3] as { value: Buffer }).value)).toBe(true)
  })

  it('a 10 MB line is one dead letter, its payload cut to 1 KiB; the lines around it are read', async () => {
    const dir = await folder()
    const big = `{"id":"${'x'.repeat(10 * 1024 * 1024)}"}`
    await writeFile(join(dir, 'big.ndjson'), `{"id":"a"}\n${big}\n{"id":"b"}\n`)
    const { messages } = await drain(source(dir, '*.ndjson', { batchSize: 2 }))
    expect(messages.map((m) => m.position)).toEqual(['big.ndjson:line 1', 'big.ndjson:line 2', 'big.ndjson:line 3'])
    const letter = messages[1] as { value: Buffer; rejected: string }
    expect(letter.rejected).toBe('ndjson: a line of more than 1048576 bytes (maxRecordBytes)')
    expect(letter.value.length).toBe(1024)
  })

  it('restarted with the checkpoint of any batch, goes on exactly after it (once)', async () => {
    const dir = await folder()
    const all: string[] = []
    for (let f = 0; f < 3; f++) {
      const r = rows(f, 100)
      all.push(...r.map((x) => JSON.stringify(x)))
      await writeFile(join(dir, `part-${f}.csv`), `id,cents\n${r.map((x) => `${x.id},${x.cents}`).join('\n')}\n`)
    }
    for (const k of [0, 1, 4, 7, 10, 13, 20]) {
      const first = await drain(source(dir, '*.csv', { batchSize: 23 }), k)
      const second = await drain(source(dir, '*.csv', { batchSize: 23 }), Number.POSITIVE_INFINITY, first.checkpoint)
      expect([...first.messages, ...second.messages].map(text)).toEqual(all)
    }
  })

  it('watch: new files are read; appended lines are read once complete; a partial last line waits', async () => {
    const dir = await folder()
    const s = source(dir, '*.ndjson', { mode: 'watch' })
    await s.connect(null)
    expect(await readsNothing(s)).toBe(true)
    await writeFile(join(dir, 'events-1.ndjson'), '{"id":"a"}\n{"id":"b"}\n{"id":')
    let batch = await nextMessages(s)
    expect(batch.messages.map(text)).toEqual(['{"id":"a"}', '{"id":"b"}'])
    expect(await readsNothing(s)).toBe(true)
    await appendFile(join(dir, 'events-1.ndjson'), '"c"}')
    expect(await readsNothing(s)).toBe(true)
    await appendFile(join(dir, 'events-1.ndjson'), '\n{"id":"d"}\n')
    batch = await nextMessages(s)
    expect(batch.messages.map((m) => [text(m), m.position])).toEqual([
      ['{"id":"c"}', 'events-1.ndjson:line 3'],
      ['{"id":"d"}', 'events-1.ndjson:line 4'],
    ])
    await writeFile(join(dir, 'events-2.ndjson'), '{"id":"e"}\n')
    batch = await nextMessages(s)
    expect(batch.messages.map(text)).toEqual(['{"id":"e"}'])
    // Restarted while a line is being written: the partial line is read once complete, nothing twice.
    await appendFile(join(dir, 'events-2.ndjson'), '{"id":"f"}\n{"id"')
    batch = await nextMessages(s)
    expect(batch.messages.map(text)).toEqual(['{"id":"f"}'])
    const checkpoint = batch.checkpoint
    await s.close()
    const again = source(dir, '*.ndjson', { mode: 'watch' })
    await again.connect(checkpoint)
    expect(await readsNothing(again)).toBe(true)
    await appendFile(join(dir, 'events-2.ndjson'), ':"g"}\n')
    expect((await nextMessages(again)).messages.map(text)).toEqual(['{"id":"g"}'])
    await again.close()
  })

  it('watch: a rewritten, truncated or replaced file is read again from its start; a touched one is not', async () => {
    const dir = await folder()
    const path = join(dir, 'feed.ndjson')
    const s = source(dir, '*.ndjson', { mode: 'watch' })
    await s.connect(null)
    await writeFile(path, '{"v":1}\n{"v":2}\n')
    expect((await nextMessages(s)).messages.map(text)).toEqual(['{"v":1}', '{"v":2}'])
    await utimes(path, new Date(), new Date(Date.now() + 5000))
    expect(await readsNothing(s)).toBe(true)
    // Truncated (copy-truncate rotation), then written again.
    await truncate(path, 0)
    await appendFile(path, '{"v":3}\n')
    expect((await nextMessages(s)).messages.map(text)).toEqual(['{"v":3}'])
    // Rewritten in place, longer, with other first bytes.
    await writeFile(path, '{"v":4}\n{"v":5}\n{"v":6}\n')
    expect((await nextMessages(s)).messages.map(text)).toEqual(['{"v":4}', '{"v":5}', '{"v":6}'])
    // Replaced by another file (a new inode).
    await writeFile(join(dir, 'feed.tmp'), '{"v":4}\n{"v":5}\n{"v":6}\n')
    await rename(join(dir, 'feed.tmp'), path)
    expect((await nextMessages(s)).messages.map(text)).toEqual(['{"v":4}', '{"v":5}', '{"v":6}'])
    expect(logs.filter((l) => l.file === path).map((l) => l.msg)).toEqual([
      'file truncated: read again from its start',
      'file rewritten: read again from its start',
      'file replaced: read again from its start',
    ])
    await s.close()
  })

  it('watch: a JSON array is read element by element as it is written; Parquet once written whole', async () => {
    const dir = await folder()
    const s = source(dir, '*.{json,parquet}', { mode: 'watch', settleMs: 300 })
    await s.connect(null)
    await writeFile(join(dir, 'a.json'), '[{"id":"1"},\n{"id":"2"}')
    expect((await nextMessages(s)).messages.map(text)).toEqual(['{"id":"1"}'])
    await appendFile(join(dir, 'a.json'), ',{"id":"3"}]')
    expect((await nextMessages(s)).messages.map(text)).toEqual(['{"id":"2"}', '{"id":"3"}'])
    const buffer = parquetWriteBuffer({ columnData: [{ name: 'id', data: ['p1', 'p2'], type: 'STRING' }] })
    const started = performance.now()
    await writeFile(join(dir, 'b.parquet'), new Uint8Array(buffer))
    expect((await nextMessages(s)).messages.map((m) => [text(m), m.position])).toEqual([
      ['{"id":"p1"}', 'b.parquet:row 1'],
      ['{"id":"p2"}', 'b.parquet:row 2'],
    ])
    expect(performance.now() - started).toBeGreaterThanOrEqual(300)
    await s.close()
  })

  it('a file that cannot be read is an error in the log and is skipped; the others are read', async () => {
    const dir = await folder()
    await writeFile(join(dir, 'a-good.csv'), 'id\n1\n')
    await writeFile(join(dir, 'b-header.csv'), 'id,id\n1,2\n')
    await writeFile(join(dir, 'c-not-array.json'), '{"id":"x"}')
    await writeFile(join(dir, 'd-not.parquet'), 'PAR1 but not really')
    await writeFile(join(dir, 'e-what.txt'), 'id\n1\n')
    await writeFile(join(dir, 'f-good.ndjson'), '{"id":"2"}\n')
    logs.length = 0
    const { messages } = await drain(source(dir, '*'))
    expect(messages.map(text)).toEqual(['{"id":"1"}', '{"id":"2"}'])
    const errors = logs
      .filter((l) => l.level === 'error')
      .map((l) => [String(l.file).replace(`${dir}/`, ''), l.reason])
      .sort()
    expect(errors).toEqual([
      ['b-header.csv', 'the CSV header names column "id" twice'],
      ['c-not-array.json', 'the file is not a JSON array (it starts with "{")'],
      ['d-not.parquet', expect.stringMatching(/^.*d-not\.parquet is not a Parquet file/)],
      ['e-what.txt', expect.stringMatching(/cannot tell the format of e-what\.txt/)],
    ])
  })

  it('the checkpoint stays bounded: old files fall under a watermark by name; a new file named before it is not read', async () => {
    const dir = await folder()
    for (let i = 0; i < 120; i++) await writeFile(join(dir, `log-${String(i).padStart(4, '0')}.ndjson`), `{"i":${i}}\n`)
    const s = source(dir, '*.ndjson', { mode: 'watch', trackFiles: 10 })
    await s.connect(null)
    let seen = 0
    let checkpoint = ''
    while (seen < 120) {
      const batch = await nextMessages(s)
      seen += batch.messages.length
      checkpoint = batch.checkpoint
    }
    const decoded = decodeFileCheckpoint(checkpoint, 'files')
    expect(decoded.files.map((f) => f.name)).toEqual(Array.from({ length: 10 }, (_, i) => `log-${String(110 + i).padStart(4, '0')}.ndjson`))
    expect(decoded.below).toBe('log-0109.ndjson')
    expect(checkpoint.length).toBeLessThan(2000)
    logs.length = 0
    await writeFile(join(dir, 'log-0050-late.ndjson'), '{"i":"late"}\n')
    await writeFile(join(dir, 'log-0200.ndjson'), '{"i":200}\n')
    expect((await nextMessages(s)).messages.map(text)).toEqual(['{"i":200}'])
    expect(logs.filter((l) => l.level === 'warn').map((l) => [l.msg, l.files, l.watermark])).toEqual([
      [expect.stringMatching(/^new files sort at or before the watermark and are not read/), 1, 'log-0109.ndjson'],
    ])
    await s.close()
  })
})
