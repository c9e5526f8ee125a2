import { TwinflowError, type FencedBatch } from '@twinflow/core'
import { sinkConformance } from '@twinflow/testing/conformance'
import { describe, expect, it } from 'vitest'
import { MemorySink } from './memory-sink.ts'

const batch = (lastOffset: number): FencedBatch => ({ topic: 't', partition: 0, firstOffset: 0, lastOffset, deltas: [{ view: 'v', windowStart: 0, keys: ['a'], cells: [1] }] })

describe('MemorySink', () => {
  it('keeps copies of the batches written, in order', async () => {
    const sink = new MemorySink('audit')
    await sink.connect()
    const first = batch(1)
    await sink.write(first)
    await sink.write(batch(2))
    first.deltas[0]!.cells[0] = 99
    expect(sink.name).toBe('audit')
    expect(sink.batches().map((b) => [b.lastOffset, b.deltas[0]!.cells[0]])).toEqual([
      [1, 1],
      [2, 1],
    ])
  })

  it('tells its listeners about each write it keeps, until they unsubscribe', async () => {
    const sink = new MemorySink()
    await sink.connect()
    const seen: number[] = []
    const off = sink.onWrite((b) => seen.push(b.lastOffset))
    await sink.write(batch(1))
    sink.failNextWrites(new Error('x'))
    await expect(sink.write(batch(2))).rejects.toThrow('x')
    off()
    await sink.write(batch(3))
    expect(seen).toEqual([1])
  })

  it('fails the next writes as told, keeping nothing of them', async () => {
    const sink = new MemorySink()
    await sink.connect()
    const down = new TwinflowError('unavailable', 'down')
    sink.failNextWrites(down, 2)
    await expect(sink.write(batch(1))).rejects.toBe(down)
    await expect(sink.write(batch(1))).rejects.toBe(down)
    await sink.write(batch(1))
    expect(sink.batches()).toHaveLength(1)
  })

  it('rejects writes when not connected', async () => {
    await expect(new MemorySink().write(batch(1))).rejects.toSatisfy((e) => TwinflowError.is(e, 'unavailable'))
  })
})

sinkConformance('memory', () => new MemorySink('conformance'), { readBack: async (sink) => (sink as MemorySink).batches() })
