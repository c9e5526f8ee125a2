import { Readable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import type { BodyFormat } from './body-format.ts'
import { readBody } from './read-body.ts'

const NDJSON: BodyFormat = { kind: 'ndjson' }
const JSON_ARRAY: BodyFormat = { kind: 'json' }
const CSV: BodyFormat = { kind: 'csv', delimiter: ',' }

/** The body in chunks of `size` bytes. */
const body = (content: string | Buffer, size = 7) => {
  const bytes = typeof content === 'string' ? Buffer.from(content) : content
  const chunks: Buffer[] = []
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size))
  return Readable.from(chunks)
}
const options = { maxBodyBytes: 1 << 20, maxRecordBytes: 1 << 10, hash: false, positionPrefix: 'request r1 line ' }

describe('readBody', () => {
  it('numbers NDJSON lines as the client counts them (blank lines included), invalid lines rejected', async () => {
    const result = await readBody(body('{"a":1}\n\n{"a":\n{"a":3}\r\n[1]\n'), NDJSON, options)
    if (!result.ok) throw new Error(result.error)
    expect(result.body.lines).toEqual([1, 3, 4, 5])
    expect(result.body.messages).toEqual([
      { record: { a: 1 }, json: Buffer.from('{"a":1}'), position: 'request r1 line 1' },
      { value: Buffer.from('{"a":'), rejected: expect.stringMatching(/^ndjson: invalid JSON/), position: 'request r1 line 3' },
      { record: { a: 3 }, json: Buffer.from('{"a":3}'), position: 'request r1 line 4' },
      { value: Buffer.from('[1]'), rejected: 'ndjson: expected a JSON object, got an array', position: 'request r1 line 5' },
    ])
    expect(result.body.indexes).toBeNull()
  })

  it('reads CSV rows as records at the line they start on; a truncated row is rejected', async () => {
    const result = await readBody(body('id,note\n1,"two\nlines"\n2,x\n3\n4,"open'), CSV, options)
    if (!result.ok) throw new Error(result.error)
    expect(result.body.messages).toEqual([
      { record: { id: '1', note: 'two\nlines' }, position: 'request r1 line 2' },
      { record: { id: '2', note: 'x' }, position: 'request r1 line 4' },
      { value: Buffer.from('3'), rejected: 'csv: 1 field where the header has 2', position: 'request r1 line 5' },
      { value: Buffer.from('4,"open'), rejected: 'csv: the file ends inside a quoted field', position: 'request r1 line 6' },
    ])
  })

  it('gives JSON array elements their index and line', async () => {
    const result = await readBody(body('[\n {"a":1},\n 7,\n {"a":2}\n]'), JSON_ARRAY, options)
    if (!result.ok) throw new Error(result.error)
    expect(result.body.indexes).toEqual([0, 1, 2])
    expect(result.body.lines).toEqual([2, 3, 4])
    expect(result.body.messages[1]).toEqual({ value: Buffer.from('7'), rejected: 'json: expected a JSON object, got a number', position: 'request r1 line 3 element 1' })
    expect(result.body.messages[2]).toEqual({ record: { a: 2 }, json: Buffer.from('{"a":2}'), position: 'request r1 line 4 element 2' })
  })

  it('rejects invalid UTF-8 and lines over maxRecordBytes, reading on after them', async () => {
    const bad = Buffer.concat([Buffer.from('{"a":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}\n')])
    const long = `{"a":"${'x'.repeat(5000)}"}\n`
    const result = await readBody(body(Buffer.concat([bad, Buffer.from(long), Buffer.from('{"a":2}\n')]), 1000), NDJSON, options)
    if (!result.ok) throw new Error(result.error)
    expect(result.body.messages.map((m) => ('rejected' in m && m.rejected !== undefined ? m.rejected : 'ok'))).toEqual([
      'ndjson: the line is not valid UTF-8',
      'ndjson: a line of more than 1024 bytes (maxRecordBytes)',
      'ok',
    ])
    expect(result.body.lines).toEqual([1, 2, 3])
  })

  it('stops at maxBodyBytes (413); an empty body, a JSON body that is not an array and a bad CSV header are 400s', async () => {
    expect(await readBody(body('{"a":1}\n'.repeat(200)), NDJSON, { ...options, maxBodyBytes: 1000 })).toMatchObject({ ok: false, status: 413 })
    expect(await readBody(body(''), NDJSON, options)).toEqual({ ok: false, status: 400, error: 'the body is empty: send at least one event' })
    expect(await readBody(body('{"a":1}'), JSON_ARRAY, options)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/^the body is not a JSON array/) })
    expect(await readBody(body('a,,b\n1,2,3\n'), CSV, options)).toMatchObject({ ok: false, status: 400, error: expect.stringMatching(/empty column name/) })
  })

  it('hashes the body when asked, whatever the chunks', async () => {
    const text = '{"a":1}\n{"a":2}\n'
    const a = await readBody(body(text, 3), NDJSON, { ...options, hash: true })
    const b = await readBody(body(text, 100), NDJSON, { ...options, hash: true })
    const c = await readBody(body(`${text} `, 100), NDJSON, { ...options, hash: true })
    if (!a.ok || !b.ok || !c.ok) throw new Error('not read')
    expect(a.body.hash).toHaveLength(22)
    expect(a.body.hash).toBe(b.body.hash)
    expect(c.body.hash).not.toBe(a.body.hash)
  })
})
