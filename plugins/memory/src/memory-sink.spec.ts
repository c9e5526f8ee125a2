import { TwinflowError, type FencedBatch, type Notification } from '@twinflow/core'
import { sinkConformance } from '@twinflow/testing/conformance'
import { describe, expect, it } from 'vitest'
import { MemorySink } from './memory-sink.ts'

const batch = (lastOffset: number): FencedBatch => ({ topic: 't', partition: 0, firstOffset: 0, lastOffset, deltas: [{ view: 'v', windowStart: 0, keys: ['a'], cells: [1] }] })
const changes = (lastOffset: number): Notification => ({ kind: 'view-changes', id: `view-changes/t/0/0-${lastOffset}`, createdAt: 0, batch: batch(lastOffset) })
const never = new AbortController().signal

describe('MemorySink', () => {
  it('keeps copies of the notifications delivered, in order', async () => {
    const sink = new MemorySink('audit')
    await sink.connect()
    const first = changes(1)
    await sink.deliver(first, never)
    await sink.deliver(changes(2), never)
    if (first.kind === 'view-changes') first.batch.deltas[0]!.cells[0] = 99
    expect(sink.name).toBe('audit')
    expect(sink.accepts).toEqual(['view-changes', 'alert', 'report'])
    expect(sink.batches().map((b) => [b.lastOffset, b.deltas[0]!.cells[0]])).toEqual([
      [1, 1],
      [2, 1],
    ])
    expect(sink.notifications().map((n) => n.id)).toEqual(['view-changes/t/0/0-1', 'view-changes/t/0/0-2'])
  })

  it('tells its listeners about each delivery it keeps, until they unsubscribe', async () => {
    const sink = new MemorySink()
    await sink.connect()
    const seen: string[] = []
    const off = sink.onDeliver((n) => seen.push(n.id))
    await sink.deliver(changes(1), never)
    sink.failNextDeliveries(new Error('x'))
    await expect(sink.deliver(changes(2), never)).rejects.toThrow('x')
    off()
    await sink.deliver(changes(3), never)
    expect(seen).toEqual(['view-changes/t/0/0-1'])
  })

  it('fails the next deliveries as told, keeping nothing of them', async () => {
    const sink = new MemorySink()
    await sink.connect()
    const down = new TwinflowError('unavailable', 'down')
    sink.failNextDeliveries(down, 2)
    await expect(sink.deliver(changes(1), never)).rejects.toBe(down)
    await expect(sink.deliver(changes(1), never)).rejects.toBe(down)
    await sink.deliver(changes(1), never)
    expect(sink.batches()).toHaveLength(1)
  })

  it('rejects deliveries when not connected', async () => {
    await expect(new MemorySink().deliver(changes(1), never)).rejects.toSatisfy((e) => TwinflowError.is(e, 'unavailable'))
  })
})

sinkConformance('memory', () => new MemorySink('conformance'), { readBack: async (sink) => (sink as MemorySink).notifications() })
