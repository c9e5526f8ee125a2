import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { csvOptionsSchema } from './csv-options.ts'
import type { FileRecord } from './file-record.ts'
import { readCsv } from './read-csv.ts'
import { parseOptions } from '@twinflow/core'

async function* chunksOf(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Uint8Array> {
  let at = 0
  for (let k = 0; at < bytes.length; k++) {
    const size = Math.max(1, sizes[k % Math.max(1, sizes.length)] ?? bytes.length)
    yield bytes.subarray(at, at + size)
    at += size
  }
}

async function read(text: string | Buffer, options: Record<string, unknown> = {}, sizes: readonly number[] = [], maxRecordBytes?: number): Promise<FileRecord[]> {
  const bytes = Buffer.isBuffer(text) ? text : Buffer.from(text)
  const out: FileRecord[] = []
  for await (const batch of readCsv(chunksOf(bytes, sizes), parseOptions(csvOptionsSchema, options), maxRecordBytes === undefined ? {} : { maxRecordBytes })) out.push(...batch)
  return out
}
const values = (records: FileRecord[]) => records.map((r) => (r.ok ? r.value : r.reason))

describe('readCsv', () => {
  it('reads RFC 4180: quotes, escaped quotes, CRLF, line breaks in quoted fields, a BOM', async () => {
    const text = '\uFEFFid,note,n\r\n1,"a, ""quoted"" note",5\r\n2,"two\r\nlines",6\r\n3,,7'
    const records = await read(text)
    expect(values(records)).toEqual([
      { id: '1', note: 'a, "quoted" note', n: '5' },
      { id: '2', note: 'two\r\nlines', n: '6' },
      { id: '3', note: '', n: '7' },
    ])
    expect(records.map((r) => [r.row, r.position, r.end])).toEqual([
      [0, 14, 40],
      [1, 40, 58],
      [2, 58, 62],
    ])
  })

  it('takes other delimiters and quotes, column names, and files without a header', async () => {
    expect(values(await read("a;b\n'x;y';2\n", { delimiter: ';', quote: "'" }))).toEqual([{ a: 'x;y', b: '2' }])
    expect(values(await read('a,b\n1,2\n', { columns: ['x', 'y'] }))).toEqual([{ x: '1', y: '2' }])
    expect(values(await read('1,2\n3,4', { header: false, columns: ['x', 'y'] }))).toEqual([
      { x: '1', y: '2' },
      { x: '3', y: '4' },
    ])
    expect(values(await read('a\tb\n1\t2\n', { delimiter: '\t' }))).toEqual([{ a: '1', b: '2' }])
  })

  it('a quote inside an unquoted field is a character; blank lines are skipped', async () => {
    expect(values(await read('a,b\n5" disk,x\n\n\r\n7,y\n'))).toEqual([
      { a: '5" disk', b: 'x' },
      { a: '7', b: 'y' },
    ])
  })

  it('bad rows are dead letters with reasons, never exceptions', async () => {
    const bad = Buffer.concat([Buffer.from('a,b\n1,2,3\n4\n"x"y,1\n'), Buffer.from([0xc3, 0x28, 0x2c, 0x31, 0x0a]), Buffer.from('5,6\n"open,7')])
    const records = await read(bad)
    expect(values(records)).toEqual([
      'csv: 3 fields where the header has 2',
      'csv: 1 field where the header has 2',
      'csv: text after the closing quote of field 1',
      'csv: the record is not valid UTF-8',
      { a: '5', b: '6' },
      'csv: the file ends inside a quoted field',
    ])
    expect(records.map((r) => r.row)).toEqual([0, 1, 2, 3, 4, 5])
    expect(records[0]!.ok ? null : records[0]!.raw.toString()).toBe('1,2,3')
  })

  it('a 10 MB line is one dead letter, skipped without being kept', async () => {
    const big = Buffer.concat([Buffer.from('a,b\n1,2\n'), Buffer.alloc(10 * 1024 * 1024, 'x'.charCodeAt(0)), Buffer.from(',y\n3,4\n')])
    const records = await read(big, {}, [65536])
    expect(values(records)).toEqual([{ a: '1', b: '2' }, 'csv: a record of more than 1048576 bytes (maxRecordBytes)', { a: '3', b: '4' }])
    expect(records[2]!.position).toBe(big.length - 4)
    expect(values(await read(big))).toEqual([{ a: '1', b: '2' }, 'csv: a record of more than 1048576 bytes (maxRecordBytes)', { a: '3', b: '4' }])
  })

  it('a header it cannot use fails the file', async () => {
    await expect(read('a,a\n1,2\n')).rejects.toThrow('the CSV header names column "a" twice')
    await expect(read('a,,c\n1,2,3\n')).rejects.toThrow('empty column name')
    expect(values(await read(''))).toEqual([])
  })

  it('property: any rows, written per RFC 4180 and read in any chunks, read back as they were', async () => {
    const field = fc.oneof(fc.string(), fc.constantFrom('"', '""', ',', '\n', '\r\n', ' x ', 'a"b', '"a'), fc.string({ unit: 'grapheme' }))
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(field, { minLength: 3, maxLength: 3 }), { maxLength: 20 }),
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.integer({ min: 1, max: 17 }), { maxLength: 5 }),
        async (rows, eol, sizes) => {
          // A row of one empty field would be a blank line: RFC 4180 writers quote it.
          const quoteField = (f: string) => (/[",\r\n]/.test(f) || f === '' || f !== f.trim() ? `"${f.replaceAll('"', '""')}"` : f)
          const text = ['a,b,c', ...rows.map((r) => r.map(quoteField).join(','))].join(eol) + eol
          const got = await read(text, {}, sizes)
          expect(values(got)).toEqual(rows.map(([a, b, c]) => ({ a, b, c })))
          const bytes = Buffer.from(text)
          for (const r of got) expect(bytes.subarray(r.position, r.end).toString().endsWith(eol)).toBe(true)
        },
      ),
      { numRuns: 300 },
    )
  })

  it('property: never throws for any bytes after a good header', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 200 }), fc.array(fc.integer({ min: 1, max: 9 }), { maxLength: 3 }), async (bytes, sizes) => {
        const records = await read(Buffer.concat([Buffer.from('a,b\n'), bytes]), {}, sizes, 64)
        expect(records.map((r) => r.row)).toEqual(records.map((_, i) => i))
      }),
    )
  })
})
