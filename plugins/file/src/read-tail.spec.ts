import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parseOptions } from '@twinflow/core'
import { csvOptionsSchema } from './csv-options.ts'
import type { FileRecord, ReadEnd, ReadOptions } from './file-record.ts'
import { readCsv } from './read-csv.ts'
import { readJsonArray } from './read-json-array.ts'
import { readNdjson } from './read-ndjson.ts'

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}

/** Every record and the reader's return value. */
async function drain(reader: AsyncGenerator<FileRecord[], ReadEnd>): Promise<{ records: FileRecord[]; end: ReadEnd }> {
  const records: FileRecord[] = []
  for (;;) {
    const next = await reader.next()
    if (next.done) return { records, end: next.value }
    records.push(...next.value)
  }
}
const shown = (records: FileRecord[]) => records.map((r) => (r.ok ? r.value : r.reason.replace(/: invalid JSON: .*/, ': invalid JSON')))

type Format = 'csv' | 'ndjson' | 'json'
function reader(format: Format, bytes: Buffer, size: number, read: ReadOptions, columns?: readonly string[], onColumns?: (c: readonly string[]) => void) {
  const input = chunksOf(bytes, size)
  if (format === 'ndjson') return readNdjson(input, read)
  if (format === 'json') return readJsonArray(input, read)
  const csv = parseOptions(csvOptionsSchema, columns ? { header: false, columns: [...columns] } : {})
  return readCsv(input, csv, { ...read, ...(onColumns ? { onColumns } : {}) })
}

/**
 * Reads `bytes` as a growing file would be read: the first `cut` bytes in tail mode, then the rest
 * from where that read ended, as a restart from a checkpoint does.
 */
async function readInTwo(format: Format, bytes: Buffer, cut: number, size: number, maxRecordBytes?: number) {
  const limits = maxRecordBytes === undefined ? {} : { maxRecordBytes }
  let columns: readonly string[] | undefined
  const first = await drain(reader(format, bytes.subarray(0, cut), size, { ...limits, tail: true }, undefined, (c) => (columns = c)))
  const kept = first.records.filter((r) => r.position < first.end.end)
  const rest = bytes.subarray(first.end.end)
  const resumeColumns = format === 'csv' && first.end.end > 0 ? columns : undefined
  const second = await drain(reader(format, rest, size, { ...limits, startPosition: first.end.end, startRow: kept.length }, resumeColumns))
  return { first, kept, second, all: [...kept, ...second.records] }
}

describe('readers of a growing file (tail)', () => {
  it('NDJSON: a last line without its line break waits; the end is after the last complete line', async () => {
    const text = Buffer.from('{"a":1}\n\n{"a":2}\n{"a":')
    const { records, end } = await drain(readNdjson(chunksOf(text, 4), { tail: true }))
    expect(shown(records)).toEqual([{ a: 1 }, { a: 2 }])
    expect(end).toEqual({ end: 17 })
    // Without tail the last line is the file's last record.
    expect(shown((await drain(readNdjson(chunksOf(text, 4)))).records)).toEqual([{ a: 1 }, { a: 2 }, 'ndjson: invalid JSON'])
    expect((await drain(readNdjson(chunksOf(text, 4)))).end).toEqual({ end: text.length })
  })

  it('NDJSON: an oversized line still being written is not the input yet: its dead letter is at or after the end', async () => {
    const text = Buffer.concat([Buffer.from('{"a":1}\n'), Buffer.alloc(5000, 0x78)])
    const { records, end } = await drain(readNdjson(chunksOf(text, 1000), { tail: true, maxRecordBytes: 1000 }))
    expect(end.end).toBe(8)
    expect(records.map((r) => [r.position, r.ok])).toEqual([
      [0, true],
      [8, false],
    ])
    // Once its line break is there, the same read gives the letter before the end.
    const done = await drain(readNdjson(chunksOf(Buffer.concat([text, Buffer.from('\n{"b":2}\n')]), 1000), { tail: true, maxRecordBytes: 1000 }))
    expect(shown(done.records)).toEqual([{ a: 1 }, 'ndjson: a line of more than 1000 bytes (maxRecordBytes)', { b: 2 }])
    expect(done.end.end).toBe(text.length + 9)
  })

  it('CSV: an open quoted field and a line without its break wait; the header is told once', async () => {
    const text = Buffer.from('id,note\n1,"two\nlines"\n2,"open')
    const told: (readonly string[])[] = []
    const { records, end } = await drain(readCsv(chunksOf(text, 5), parseOptions(csvOptionsSchema, {}), { tail: true, onColumns: (c) => told.push(c) }))
    expect(shown(records)).toEqual([{ id: '1', note: 'two\nlines' }])
    expect(end.end).toBe(22)
    expect(told).toEqual([['id', 'note']])
    const header = await drain(readCsv(chunksOf(Buffer.from('id,no'), 5), parseOptions(csvOptionsSchema, {}), { tail: true }))
    expect(header).toEqual({ records: [], end: { end: 0 } })
  })

  it('JSON array: an element waits for its comma or the closing bracket; a read from the middle is inside the array', async () => {
    const text = Buffer.from('[{"a":1},\n {"a":2} ')
    const first = await drain(readJsonArray(chunksOf(text, 3), { tail: true }))
    expect(shown(first.records)).toEqual([{ a: 1 }])
    expect(first.end).toEqual({ end: 11 })
    const rest = Buffer.from('{"a":2}, {"a":3}]\n')
    const second = await drain(readJsonArray(chunksOf(rest, 3), { tail: true, startPosition: 11, startRow: 1 }))
    expect(shown(second.records)).toEqual([{ a: 2 }, { a: 3 }])
    expect(second.records.map((r) => r.position)).toEqual([11, 20])
    expect(second.end).toEqual({ end: 11 + rest.length, closed: true })
    expect((await drain(readJsonArray(chunksOf(Buffer.from('  '), 3), { tail: true }))).end).toEqual({ end: 0 })
  })

  for (const format of ['ndjson', 'csv', 'json'] as const) {
    it(`property (${format}): a file read in tail mode up to any byte, then from where that read ended, gives what one read gives`, async () => {
      const row = fc.record({ a: fc.string({ maxLength: 8 }), b: fc.constantFrom('x', 'y,z', 'q"q', 'two\nlines', '') })
      await fc.assert(
        fc.asyncProperty(fc.array(row, { maxLength: 12 }), fc.nat(), fc.integer({ min: 1, max: 40 }), fc.boolean(), async (rows, at, size, garbage) => {
          let text: string
          if (format === 'ndjson') text = rows.map((r) => JSON.stringify(r)).join('\n') + (garbage ? '\n{"bad":\n' : '\n')
          else if (format === 'json') text = `[${rows.map((r) => JSON.stringify(r)).join(',\n')}${garbage ? ', 5' : ''}]`
          else {
            const q = (f: string) => (/[",\n]/.test(f) || f === '' ? `"${f.replaceAll('"', '""')}"` : f)
            text = `a,b\n${rows.map((r) => `${q(r.a)},${q(r.b)}`).join('\n')}${garbage ? '\n1,2,3' : ''}\n`
          }
          const bytes = Buffer.from(text)
          const cut = at % (bytes.length + 1)
          const whole = await drain(reader(format, bytes, size, {}))
          const { first, all, second } = await readInTwo(format, bytes, cut, size)
          expect(first.end.end).toBeLessThanOrEqual(cut)
          expect(shown(all)).toEqual(shown(whole.records))
          expect(all.map((r) => [r.row, r.position, r.end])).toEqual(whole.records.map((r) => [r.row, r.position, r.end]))
          expect(second.end.end).toBe(whole.end.end)
        }),
        { numRuns: 300 },
      )
    })
  }

  it('property (ndjson): with oversized lines cut anywhere, nothing is lost or doubled', async () => {
    const line = fc.oneof(
      fc.integer().map((n) => JSON.stringify({ n })),
      fc.integer({ min: 60, max: 200 }).map((n) => 'x'.repeat(n)),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(line, { maxLength: 10 }), fc.nat(), fc.integer({ min: 1, max: 30 }), async (lines, at, size) => {
        const bytes = Buffer.from(lines.map((l) => `${l}\n`).join(''))
        const cut = at % (bytes.length + 1)
        const whole = await drain(reader('ndjson', bytes, size, { maxRecordBytes: 50 }))
        const { all } = await readInTwo('ndjson', bytes, cut, size, 50)
        expect(all.map((r) => [r.position, r.ok])).toEqual(whole.records.map((r) => [r.position, r.ok]))
      }),
      { numRuns: 300 },
    )
  })
})
