import { TwinflowError, type DeadLetter, type DeadLetterQueue } from '@twinflow/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

export interface DeadLetterQueueConformanceOptions {
  /**
   * The letters written to `queue` so far, oldest first, read back from where the queue keeps them
   * (the memory queue's `letters()`, a Kafka topic...). Without it, only counts are checked.
   */
  readBack?: (queue: DeadLetterQueue) => Promise<DeadLetter[]>
  /** Per test. @default 20000 */
  timeoutMs?: number
}

const letter = (overrides: Partial<DeadLetter> = {}): DeadLetter => ({
  stream: 'orders',
  stage: 'speed',
  reason: 'cents: expected a safe integer, got "ten"',
  payload: Buffer.from('{"cents":"ten"}'),
  topic: 'twinflow.orders',
  partition: 2,
  offset: 41,
  at: Date.UTC(2026, 10, 23, 12, 30),
  ...overrides,
})

/**
 * The behaviour every DeadLetterQueue must have, as a vitest suite (call it at the top level of a
 * spec file). `makeQueue` returns a new queue, not yet connected; the suite connects and closes it.
 * A dead-letter queue is where Twinflow puts what it could not use, so it must lose nothing: every
 * letter counted, payloads kept byte for byte (invalid UTF-8 and large ones included), and a write
 * it cannot do rejects rather than dropping letters.
 */
export function deadLetterQueueConformance(name: string, makeQueue: () => DeadLetterQueue | Promise<DeadLetterQueue>, options: DeadLetterQueueConformanceOptions = {}): void {
  describe(`DeadLetterQueue conformance: ${name}`, { timeout: options.timeoutMs ?? 20_000 }, () => {
    let queue: DeadLetterQueue
    beforeEach(async () => {
      queue = await makeQueue()
      await queue.connect()
    })
    afterEach(async () => {
      await queue.close()
    })

    it('counts every letter per <stream>/<stage>; an empty write changes nothing', async () => {
      const before = new Map(queue.counts())
      await queue.write([letter(), letter({ stage: 'archiver' }), letter({ offset: 42 })])
      await queue.write([])
      await queue.write([letter({ stream: 'pageViews', stage: 'ingest', topic: undefined, partition: undefined, offset: undefined })])
      const counts = queue.counts()
      const added = (key: string) => (counts.get(key) ?? 0) - (before.get(key) ?? 0)
      expect([added('orders/speed'), added('orders/archiver'), added('pageViews/ingest')]).toEqual([2, 1, 1])
    })

    it.skipIf(!options.readBack)('keeps each letter whole: payload bytes (invalid UTF-8, empty, 256 KiB), reason, stage, stream, position and time', async () => {
      const before = (await options.readBack!(queue)).length
      const binary = Buffer.from([0xff, 0xfe, 0x00, 0xc3, 0x28, 0x7b])
      const large = Buffer.alloc(256 * 1024, 'x')
      const written = [
        letter({ payload: binary }),
        letter({ payload: Buffer.alloc(0), reason: 'empty payload' }),
        letter({ payload: large, reason: 'oversized: 262144 bytes', offset: 43 }),
        letter({ stage: 'ingest', topic: undefined, partition: undefined, offset: undefined, reason: 'ünïcødé reason ✓' }),
      ]
      await queue.write(written)
      const read = (await options.readBack!(queue)).slice(before)
      expect(read).toHaveLength(written.length)
      read.forEach((got, i) => {
        const want = written[i]!
        expect(Buffer.compare(Buffer.from(got.payload), want.payload), `payload of letter ${i}`).toBe(0)
        expect({ ...got, payload: null }).toEqual({ ...want, payload: null })
      })
    })

    it('recent (when the queue has it): the newest letters first, at most limit', async () => {
      if (!queue.recent) return
      await queue.write([letter({ reason: 'first', offset: 1 }), letter({ reason: 'second', offset: 2 })])
      await queue.write([letter({ reason: 'third', offset: 3 })])
      expect(queue.recent(2).map((l) => [l.reason, l.offset])).toEqual([
        ['third', 3],
        ['second', 2],
      ])
      expect(queue.recent(3)[2]).toMatchObject({ reason: 'first', stream: 'orders', stage: 'speed' })
    })

    it('rejects a write after close instead of dropping the letters', async () => {
      await queue.close()
      const error = await queue.write([letter()]).then(
        () => null,
        (e: unknown) => e,
      )
      expect(TwinflowError.is(error), String(error)).toBe(true)
      await queue.connect()
    })
  })
}
