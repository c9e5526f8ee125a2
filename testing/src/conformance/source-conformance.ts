import { END_OF_INPUT, type IngestOutcome, type Source, type SourceBatch, type SourceMessage } from '@twinflow/core'
import { describe, expect, it } from 'vitest'

export interface SourceConformanceOptions {
  /** A new source over the input (and whatever durable state the source keeps): the suite connects and closes it. */
  open(): Source | Promise<Source>
  /**
   * What the input holds, for a finite source (the suite reads until END_OF_INPUT): the payloads
   * as text, in any order, or only how many there are.
   */
  expected?: readonly string[] | number
  /**
   * Whether a source opened again with the checkpoint of the last batch acked resumes after it:
   * nothing acked is read again, nothing unacked is skipped. Needs `expected`. @default true
   */
  resumes?: boolean
  /** A source of the same kind that has nothing to read now (a live source then waits in `read`). */
  openIdle?(): Source | Promise<Source>
  /**
   * For a push source (its input comes from outside: HTTP requests, webhooks): puts these payloads
   * (JSON objects as text) into the connected `source` as its clients would, and resolves once the
   * source has answered them, whatever the answer (it answers after the batches holding them were
   * acked, or when it closes).
   */
  feed?(source: Source, payloads: readonly string[]): Promise<void>
  /** Per test. @default 30000 */
  timeoutMs?: number
}

/** A message as text: a raw payload (or an input the source could not read) as received, a record as its JSON. */
const text = (m: SourceMessage) => {
  if ('record' in m) return JSON.stringify(m.record)
  return typeof m.value === 'string' ? m.value : m.value.toString('utf8')
}

/** The checkpoint the log holds after a batch acked with `outcome`: the batch's own, or the one before when it has none. */
const checkpointAfter = (batch: SourceBatch, outcome: IngestOutcome, before: string | null) => (batch.checkpointAfter ? batch.checkpointAfter(outcome) : batch.checkpoint) ?? before

async function readBatch(source: Source, signal = new AbortController().signal): Promise<SourceBatch | typeof END_OF_INPUT> {
  const batch = await source.read(signal)
  if (batch !== END_OF_INPUT) {
    expect(Array.isArray(batch.messages)).toBe(true)
    for (const m of batch.messages) {
      if ('record' in m) expect(typeof m.record === 'object' && m.record !== null && !Array.isArray(m.record), 'a message record is an object').toBe(true)
      else {
        expect(typeof m.value === 'string' || Buffer.isBuffer(m.value), 'a message value is a string or a Buffer').toBe(true)
        if (m.rejected !== undefined) expect(typeof m.rejected === 'string' && m.rejected.length > 0, 'a message the source rejected says why').toBe(true)
      }
      if ('json' in m && m.json !== undefined) expect(Buffer.isBuffer(m.json), "a record's json is a Buffer").toBe(true)
      if (m.position !== undefined) expect(typeof m.position, 'a message position is a string').toBe('string')
    }
    expect(typeof batch.ack).toBe('function')
  }
  return batch
}

/**
 * The behaviour every Source must have, as a vitest suite (call it at the top level of a spec
 * file): the lifecycle connect → read/ack → close (close twice is harmless); a finite input
 * delivered whole and once, then END_OF_INPUT (and again on the next read); a pending read that
 * ends when its signal aborts (shutdown must not hang); opened again with the checkpoint of the last
 * batch acked (what the log holds), a source that neither skips nor repeats what was acked, and
 * delivers again what was read but not acked. A push source (`feed`) delivers what concurrent
 * clients put into it whole and once, and answers its clients when it closes with a batch unacked.
 */
export function sourceConformance(name: string, options: SourceConformanceOptions): void {
  const { expected } = options
  const expectedCount = typeof expected === 'number' ? expected : expected?.length
  describe(`Source conformance: ${name}`, { timeout: options.timeoutMs ?? 30_000 }, () => {
    it('connects, names its stream, closes twice without harm', async () => {
      const source = await options.open()
      expect(typeof source.name).toBe('string')
      expect(source.name.length).toBeGreaterThan(0)
      expect(typeof source.stream).toBe('string')
      await source.connect(null)
      await source.close()
      await source.close()
    })

    it.skipIf(expected === undefined)('delivers a finite input whole and once, then END_OF_INPUT', async () => {
      const source = await options.open()
      await source.connect(null)
      const got: string[] = []
      try {
        for (;;) {
          const batch = await readBatch(source)
          if (batch === END_OF_INPUT) break
          got.push(...batch.messages.map((m) => text(m)))
          await batch.ack({ accepted: batch.messages.length, rejected: [] })
        }
        expect(await source.read(new AbortController().signal)).toBe(END_OF_INPUT)
      } finally {
        await source.close()
      }
      expect(got).toHaveLength(expectedCount!)
      if (Array.isArray(expected)) expect([...got].sort()).toEqual([...expected].sort())
    })

    it.skipIf(!options.openIdle)('ends a pending read when its signal aborts', async () => {
      const source = await options.openIdle!()
      await source.connect(null)
      const abort = new AbortController()
      try {
        const pending = source.read(abort.signal).then(
          (batch) => batch,
          (error: unknown) => error,
        )
        await new Promise((r) => setTimeout(r, 300))
        const started = Date.now()
        abort.abort(new Error('shutdown'))
        await pending
        expect(Date.now() - started).toBeLessThan(2_000)
      } finally {
        await source.close()
      }
    })

    it.skipIf(options.resumes === false || expected === undefined)(
      'opened again with the checkpoint of the last batch acked, resumes after it and delivers again what was not acked',
      async () => {
        const delivered: string[] = []
        const first = await options.open()
        await first.connect(null)
        let unacked: string[] = []
        let checkpoint: string | null = null
        try {
          const acked = await readBatch(first)
          if (acked !== END_OF_INPUT) {
            delivered.push(...acked.messages.map((m) => text(m)))
            const outcome = { accepted: acked.messages.length, rejected: [] }
            checkpoint = checkpointAfter(acked, outcome, checkpoint)
            await acked.ack(outcome)
          }
          const notAcked = await readBatch(first)
          if (notAcked !== END_OF_INPUT) unacked = notAcked.messages.map((m) => text(m))
        } finally {
          await first.close()
        }
        const second = await options.open()
        await second.connect(checkpoint)
        const again: string[] = []
        try {
          for (;;) {
            const batch = await readBatch(second)
            if (batch === END_OF_INPUT) break
            again.push(...batch.messages.map((m) => text(m)))
            await batch.ack({ accepted: batch.messages.length, rejected: [] })
          }
        } finally {
          await second.close()
        }
        if (Array.isArray(expected)) for (const payload of unacked) expect(again, 'read but not acked: delivered again').toContain(payload)
        const all = [...delivered, ...again]
        expect(all).toHaveLength(expectedCount!)
        if (Array.isArray(expected)) expect([...all].sort()).toEqual([...expected].sort())
      },
    )

    it.skipIf(!options.feed)('delivers what is fed, by concurrent clients, whole and once, and answers every client', async () => {
      const source = await options.open()
      await source.connect(null)
      const clients = 4
      const perClient = 60
      const payloads = Array.from({ length: clients }, (_, c) => Array.from({ length: perClient }, (_, i) => JSON.stringify({ client: c, n: i, note: 'conformance' })))
      const got: string[] = []
      try {
        const fed = Promise.all(payloads.map((p) => options.feed!(source, p)))
        const deadline = Date.now() + 20_000
        while (got.length < clients * perClient) {
          if (Date.now() > deadline) throw new Error(`the source delivered ${got.length} of the ${clients * perClient} payloads fed in 20 s`)
          const batch = await readBatch(source)
          if (batch === END_OF_INPUT) throw new Error('a push source ended its input while being fed')
          got.push(...batch.messages.map((m) => text(m)))
          await batch.ack({ accepted: batch.messages.length, rejected: [] })
        }
        await fed
      } finally {
        await source.close()
      }
      expect([...got].sort()).toEqual(payloads.flat().sort())
    })

    it.skipIf(!options.feed)('answers the clients of a batch read but not acked when it closes (nothing hangs)', async () => {
      const source = await options.open()
      await source.connect(null)
      let answered = false
      const fed = options.feed!(source, [JSON.stringify({ n: 1 }), JSON.stringify({ n: 2 })]).finally(() => {
        answered = true
      })
      try {
        const batch = await readBatch(source)
        expect(batch).not.toBe(END_OF_INPUT)
        expect(answered, 'a client is answered only after its batch is acked').toBe(false)
      } finally {
        await source.close()
      }
      const started = Date.now()
      await fed.catch(() => {})
      expect(Date.now() - started).toBeLessThan(5_000)
    })
  })
}
