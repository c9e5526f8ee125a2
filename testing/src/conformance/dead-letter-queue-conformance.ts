import { DEAD_LETTER_PAYLOAD_BYTES, TwinflowError, type DeadLetter, type DeadLetterQueue } from '@twinflow/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

export interface DeadLetterQueueConformanceOptions {
  /**
   * The letters written to `queue` so far, oldest first, whole, read back from where the queue
   * keeps them (a Kafka topic...), for a queue that keeps payloads whole. `read` is checked apart.
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
        letter({ payload: binary, offset: 41 }),
        letter({ payload: Buffer.alloc(0), reason: 'empty payload', offset: 42 }),
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

    it("reads a stream's letters back newest first, filtered by stage and reason prefix, in pages", async () => {
      const stream = `s${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`
      const written = Array.from({ length: 7 }, (_, i) =>
        letter({ stream, offset: i, stage: i % 2 === 0 ? 'archiver' : 'speed', reason: i < 3 ? `schema: field "x" ${i}` : `future: ts ${i}`, payload: Buffer.from(`p${i}`) }),
      )
      await queue.write(written.slice(0, 4))
      await queue.write([...written.slice(4), letter({ stream: `${stream}-other`, offset: 99 })])
      const all = await queue.read({ stream, limit: 100 })
      expect(all.letters.map((l) => l.payload.toString())).toEqual(['p6', 'p5', 'p4', 'p3', 'p2', 'p1', 'p0'])
      expect(all.next).toBeNull()
      expect(all.letters[0]).toMatchObject({ stream, stage: 'archiver', reason: 'future: ts 6', topic: 'twinflow.orders', partition: 2, offset: 6, payloadBytes: 2 })
      expect((await queue.read({ stream, stage: 'speed', limit: 100 })).letters.map((l) => l.offset)).toEqual([5, 3, 1])
      expect((await queue.read({ stream, reason: 'schema', limit: 100 })).letters.map((l) => l.offset)).toEqual([2, 1, 0])
      const pages: number[][] = []
      let after: string | null = null
      do {
        const page = await queue.read({ stream, limit: 3, after })
        pages.push(page.letters.map((l) => l.offset!))
        after = page.next
      } while (after !== null)
      expect(pages).toEqual([[6, 5, 4], [3, 2, 1], [0]])
    })

    it('reads a letter written again for the same input by the same stage once, and cuts long payloads', async () => {
      const stream = `r${Date.now().toString(36)}${Math.floor(Math.random() * 1e6)}`
      const again = letter({ stream, offset: 7, stage: 'archiver', reason: 'schema: once' })
      await queue.write([again])
      await queue.write([again, letter({ stream, offset: 7, stage: 'speed', reason: 'evaluation: another stage' })])
      const long = Buffer.alloc(DEAD_LETTER_PAYLOAD_BYTES * 3, 'y')
      await queue.write([letter({ stream, offset: 8, stage: 'archiver', payload: long })])
      const { letters } = await queue.read({ stream, limit: 100 })
      expect(letters.map((l) => [l.offset, l.stage])).toEqual([
        [8, 'archiver'],
        [7, 'speed'],
        [7, 'archiver'],
      ])
      expect(letters[0]!.payload.length).toBe(DEAD_LETTER_PAYLOAD_BYTES)
      expect(letters[0]!.payloadBytes).toBe(long.length)
      await expect(queue.read({ stream, limit: 0 })).rejects.toThrow(/limit must be an integer/)
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
