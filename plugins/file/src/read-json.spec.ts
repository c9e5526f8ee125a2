import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { FileRecord } from './file-record.ts'
import { readJsonArray } from './read-json-array.ts'
import { readNdjson } from './read-ndjson.ts'

async function* chunksOf(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size)
}
async function collect(records: AsyncGenerator<FileRecord[]>): Promise<FileRecord[]> {
  const out: FileRecord[] = []
  for await (const batch of records) out.push(...batch)
  return out
}
const values = (records: FileRecord[]) => records.map((r) => (r.ok ? r.value : r.reason.replace(/: invalid JSON: .*/, ': invalid JSON')))
const ndjson = (text: string | Buffer, size = 1 << 20, maxRecordBytes?: number) =>
  collect(readNdjson(chunksOf(Buffer.isBuffer(text) ? text : Buffer.from(text), size), maxRecordBytes === undefined ? {} : { maxRecordBytes }))
const jsonArray = (text: string | Buffer, size = 1 << 20, maxRecordBytes?: number) =>
  collect(readJsonArray(chunksOf(Buffer.isBuffer(text) ? text : Buffer.from(text), size), maxRecordBytes === undefined ? {} : { maxRecordBytes }))

describe('readNdjson', () => {
  it('reads one object per line, LF or CRLF, blank lines skipped, with positions', async () => {
    const records = await ndjson('{"a":1}\r\n\n{"a":"x\\ny"}\n{"a":3}')
    expect(values(records)).toEqual([{ a: 1 }, { a: 'x\ny' }, { a: 3 }])
    expect(records.map((r) => [r.row, r.position, r.end])).toEqual([
      [0, 0, 9],
      [1, 10, 23],
      [2, 23, 30],
    ])
  })
  it('bad lines are dead letters: invalid JSON, not an object, invalid UTF-8, a 10 MB line', async () => {
    const big = Buffer.alloc(10 * 1024 * 1024, 'x'.charCodeAt(0))
    const text = Buffer.concat([Buffer.from('{"a":\n[1]\n"s"\nnull\n'), Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d, 0x0a]), big, Buffer.from('\n{"b":2}\n')])
    for (const size of [4096, 65536, text.length]) {
      expect(values(await ndjson(text, size))).toEqual([
        'ndjson: invalid JSON',
        'ndjson: expected a JSON object, got an array',
        'ndjson: expected a JSON object, got a string',
        'ndjson: expected a JSON object, got null',
        'ndjson: the line is not valid UTF-8',
        'ndjson: a line of more than 1048576 bytes (maxRecordBytes)',
        { b: 2 },
      ])
    }
  })
})

describe('readJsonArray', () => {
  it('streams the elements of an array, with positions', async () => {
    const text = ' [ {"a": [1, {"b": "]}"}]},\n{"a": "\\"q\\""} ] '
    for (const size of [1, 3, 1000]) {
      const records = await jsonArray(text, size)
      expect(values(records)).toEqual([{ a: [1, { b: ']}' }] }, { a: '"q"' }])
      expect(records.map((r) => text.slice(r.position, r.end))).toEqual(['{"a": [1, {"b": "]}"}]}', '{"a": "\\"q\\""}'])
    }
    expect(values(await jsonArray('[]'))).toEqual([])
    expect(values(await jsonArray('\uFEFF[{"a":1}]'))).toEqual([{ a: 1 }])
  })
  it('bad elements are dead letters; a truncated file ends with one', async () => {
    expect(values(await jsonArray('[{"a":1}, 5, "x", [1], {"b":}, {"c":3}, {"d": 4'))).toEqual([
      { a: 1 },
      'json: expected a JSON object, got a number',
      'json: expected a JSON object, got a string',
      'json: expected a JSON object, got an array',
      'json: invalid JSON',
      { c: 3 },
      'json: the file ends inside the array',
    ])
    const big = `[{"a":"${'x'.repeat(3000)}"},{"b":1}]`
    expect(values(await jsonArray(big, 100, 1000))).toEqual(['json: an element of more than 1000 bytes (maxRecordBytes)', { b: 1 }])
  })
  it('a file that is not an array fails', async () => {
    await expect(jsonArray('{"a":1}')).rejects.toThrow('the file is not a JSON array')
  })
  it('property: any array of objects reads back, in any chunks', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.dictionary(fc.string(), fc.jsonValue())), fc.integer({ min: 1, max: 50 }), async (objects, size) => {
        const text = JSON.stringify(objects, null, size % 3)
        expect(values(await jsonArray(text, size))).toEqual(JSON.parse(text))
        expect(values(await ndjson(objects.map((o) => JSON.stringify(o)).join('\n'), size))).toEqual(JSON.parse(text))
      }),
    )
  })
})
