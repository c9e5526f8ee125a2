import { createHmac } from 'node:crypto'
import { count, defineStream, defineView, MASKED_HEADERS, PiiMasking, t, type LogRecord } from '@twinflow/core'
import { describe, expect, it } from 'vitest'
import { logRecords } from './batch-folder.ts'
import { PackedRecords, packRecords } from './packed-records.ts'
import { StreamFold } from './stream-fold.ts'

const SECRET = 'a-fold-test-secret-0123456789'
const people = defineStream('people', { email: t.string().pii('hash'), ts: t.eventTime() })
const byEmail = defineView('byEmail', people, { groupBy: (p) => ({ email: p.email }), window: '1h', measures: () => ({ n: count() }) })
const hash = (v: string) => createHmac('sha256', SECRET).update(v).digest('hex')

const record = (offset: number, email: string, headers: Record<string, string> = {}): LogRecord => ({
  offset,
  key: null,
  value: Buffer.from(JSON.stringify({ email, ts: 1000 })),
  timestamp: 2000,
  headers,
})

describe("the speed layer's fold masks what no Twinflow producer masked", () => {
  // An outside producer's raw email, and the same email as Twinflow's ingest appends it (hashed, marked).
  const records = [record(0, 'raw@example.com'), record(1, hash('raw@example.com'), { ...MASKED_HEADERS })]
  const fold = new StreamFold(people, [byEmail], { maxEventBytes: 1 << 20, masking: new PiiMasking([people], SECRET) })

  it('on the event loop and from packed records (a fold thread) alike: one group, the hash, counted twice', () => {
    expect(fold.masks).toBe(true)
    for (const input of [
      logRecords({ topic: people.topic, partition: 0, records, firstOffset: 0, lastOffset: 1, highWatermark: 2 }),
      new PackedRecords(packRecords(records, true)),
    ]) {
      const { deltas } = fold.foldFirst(input, [0])
      expect(deltas.map((d) => ({ keys: d.keys, cells: d.cells }))).toEqual([{ keys: [hash('raw@example.com')], cells: [2] }])
      expect(JSON.stringify(deltas)).not.toContain('raw@example.com')
    }
  })

  it('packs the masked flags only when asked (a stream without personal fields never reads headers)', () => {
    expect([...packRecords(records, true).masked]).toEqual([0, 1])
    expect([...packRecords(records).masked]).toEqual([0, 0])
  })

  it('a dedupe key of a personal id is built from the masked value, the same for a raw and a marked record', () => {
    const deduped = defineStream('deduped', { email: t.string().pii('hash'), ts: t.eventTime() }, { dedupeBy: { field: 'email', horizon: '1d' } })
    const view = defineView('dedupedByEmail', deduped, { groupBy: (p) => ({ email: p.email }), window: '1h', measures: () => ({ n: count() }) })
    const dedupeFold = new StreamFold(deduped, [view], { maxEventBytes: 1 << 20, masking: new PiiMasking([deduped], SECRET) })
    const { keys, decoded } = dedupeFold.dedupeKeys(logRecords({ topic: deduped.topic, partition: 0, records, firstOffset: 0, lastOffset: 1, highWatermark: 2 }))
    expect(keys.map((k) => k.key)).toEqual([`0:${hash('raw@example.com')}`, `0:${hash('raw@example.com')}`])
    expect(JSON.stringify(decoded)).not.toContain('raw@example.com')
  })
})
