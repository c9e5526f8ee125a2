import { TwinflowError, type FencedBatch, type Sink } from '@twinflow/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

export interface SinkConformanceOptions {
  /** What reached the destination so far, oldest first (as the sink's reader would see it). Without it, only the lifecycle is checked. */
  readBack?: (sink: Sink) => Promise<readonly FencedBatch[]>
  /** Per test. @default 20000 */
  timeoutMs?: number
}

const batch = (partition: number, firstOffset: number, lastOffset: number, shop: string, cents: number): FencedBatch => ({
  topic: 'twinflow.orders',
  partition,
  firstOffset,
  lastOffset,
  deltas: [
    { view: 'revenue', windowStart: Date.UTC(2026, 10, 23, 12), keys: [shop], cells: [1, cents] },
    { view: 'revenue', windowStart: Date.UTC(2026, 10, 23, 13), keys: [`${shop}-ünï ✓`], cells: [2, -cents] },
  ],
  newestEventTime: { revenue: Date.UTC(2026, 10, 23, 13, 5) },
})

/**
 * The behaviour every Sink must have, as a vitest suite (call it at the top level of a spec file):
 * connect → write per applied log batch → close; what is written arrives in order, deltas intact
 * (cells, keys, offsets); a write the sink cannot do rejects (a `retriable` TwinflowError for a
 * destination that is down), never drops the batch.
 */
export function sinkConformance(name: string, makeSink: () => Sink | Promise<Sink>, options: SinkConformanceOptions = {}): void {
  describe(`Sink conformance: ${name}`, { timeout: options.timeoutMs ?? 20_000 }, () => {
    let sink: Sink
    beforeEach(async () => {
      sink = await makeSink()
      await sink.connect()
    })
    afterEach(async () => {
      await sink.close()
    })

    it('has a name, and closes twice without harm', async () => {
      expect(typeof sink.name).toBe('string')
      expect(sink.name.length).toBeGreaterThan(0)
      await sink.close()
      await sink.close()
      await sink.connect()
    })

    it.skipIf(!options.readBack)('delivers batches in the order written, whole', async () => {
      const before = (await options.readBack!(sink)).length
      const written = [batch(0, 0, 9, 'a', 100), batch(1, 0, 3, 'b', 7), batch(0, 10, 10, 'c', 1)]
      for (const b of written) await sink.write(b)
      const read = (await options.readBack!(sink)).slice(before)
      expect(read).toEqual(written)
    })

    it('rejects a write after close with a TwinflowError instead of dropping the batch', async () => {
      await sink.close()
      const error = await sink.write(batch(0, 0, 0, 'a', 1)).then(
        () => null,
        (e: unknown) => e,
      )
      expect(TwinflowError.is(error), String(error)).toBe(true)
      await sink.connect()
    })
  })
}
