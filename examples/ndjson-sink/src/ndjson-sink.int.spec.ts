import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { count, definePipeline, defineStream, defineView, sum, t, viewChangesNotification, type FencedBatch, type Notification } from '@twinflow/core'
import { createTestPipeline } from '@twinflow/testing'
import { sinkConformance } from '@twinflow/testing/conformance'
import { describe, expect, it } from 'vitest'
import { NdjsonSink } from './ndjson-sink.ts'
import { ndjsonSinkPlugin } from './ndjson-sink-plugin.ts'

const dir = mkdtempSync(join(tmpdir(), 'ndjson-sink-'))
let files = 0
const never = new AbortController().signal
const notificationsOf = (path: string): Notification[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const { overlap: _, ...notification } = JSON.parse(l) as Notification & { overlap?: boolean }
      return notification
    })
const linesOf = (path: string): (FencedBatch & { overlap?: boolean })[] =>
  readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const line = JSON.parse(l) as { batch: FencedBatch; overlap?: boolean }
      return line.overlap ? { ...line.batch, overlap: true } : line.batch
    })

// The contract every sink keeps, from the test kit.
sinkConformance('ndjson-file', () => new NdjsonSink('changes', join(dir, `conformance-${++files}.ndjson`)), {
  readBack: async (sink) => notificationsOf((sink as unknown as NdjsonSink).path),
})

describe('the ndjson-file sink in a pipeline', () => {
  const sales = defineStream('sales', { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
  const revenue = defineView('revenue', sales, { groupBy: (s) => ({ shop: s.shop }), window: '1h', measures: (s) => ({ sales: count(), cents: sum(s.cents) }) })
  const pipeline = definePipeline({ streams: [sales], views: [revenue] })

  it('receives every change the speed layer applied: the lines add up to the served answer', async () => {
    const path = join(dir, 'pipeline.ndjson')
    const tf = await createTestPipeline({
      pipeline,
      now: '2026-11-23T12:30:00Z',
      plugins: [ndjsonSinkPlugin],
      config: { sinks: [{ plugin: 'ndjson-file', name: 'changes', options: { path } }] },
    })
    try {
      const at = Date.parse('2026-11-23T12:10:00Z')
      await tf.send('sales', [
        { shop: 'a', cents: 120, ts: at },
        { shop: 'b', cents: 30, ts: at + 60_000 },
        { shop: 'a', cents: 5, ts: at + 120_000 },
      ])
      const totals = new Map<string, number>()
      for (const batch of linesOf(path)) for (const d of batch.deltas) totals.set(String(d.keys[0]), (totals.get(String(d.keys[0])) ?? 0) + (d.cells[1] as number))
      const { revenue: answer } = await tf.query('{ revenue(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z") { rows { shop cents } } }')
      expect(Object.fromEntries(totals)).toEqual(Object.fromEntries(answer.rows.map((r: { shop: string; cents: number }) => [r.shop, r.cents])))
    } finally {
      await tf.stop()
    }
  })

  it('skips a batch it already wrote (a redelivery after a crash), also across a restart', async () => {
    const path = join(dir, 'redelivery.ndjson')
    const batch: FencedBatch = { topic: 't', partition: 0, firstOffset: 0, lastOffset: 4, deltas: [{ view: 'revenue', windowStart: 0, keys: ['a'], cells: [1, 2] }] }
    const sink = new NdjsonSink('changes', path)
    await sink.connect()
    await sink.deliver(viewChangesNotification(batch, 1), never)
    await sink.deliver(viewChangesNotification(batch, 1), never)
    await sink.close()
    const again = new NdjsonSink('changes', path)
    await again.connect()
    await again.deliver(viewChangesNotification(batch, 1), never)
    await again.deliver(viewChangesNotification({ ...batch, firstOffset: 5, lastOffset: 6 }, 2), never)
    await again.close()
    expect(linesOf(path).map((b) => b.lastOffset)).toEqual([4, 6])
  })

  it('says what to fix in its options', () => {
    expect(() => ndjsonSinkPlugin.parseOptions({})).toThrow(/"path" must name the file/)
    expect(() => ndjsonSinkPlugin.parseOptions({ path: 'x', mode: 'w' })).toThrow(/unknown option "mode"/)
  })
})
