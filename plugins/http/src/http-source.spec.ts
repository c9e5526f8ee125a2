import { createJsonLogger, systemClock, type SourceBatch, type SourceMessage } from '@twinflow/core'
import { afterEach, describe, expect, it } from 'vitest'
import { parseHttpSourceOptions } from './http-source-options.ts'
import { HttpSource } from './http-source.ts'
import { IngestRequest, type RequestResult } from './ingest-request.ts'
import type { KeyRecord } from './idempotency-table.ts'
import type { ReadBody } from './read-body.ts'

const logger = createJsonLogger({ level: 'silent' })
const signal = new AbortController().signal

/** A read body of `n` NDJSON lines of `size` bytes each. */
function bodyOf(tag: string, n: number, size = 100): ReadBody {
  const messages: SourceMessage[] = Array.from({ length: n }, (_, i) => ({ record: { tag, i }, position: `request ${tag} line ${i + 1}` }))
  return { messages, lines: messages.map((_, i) => i + 1), indexes: null, sizes: messages.map(() => size), bytes: n * size, hash: `hash-${tag}` }
}

describe('HttpSource', () => {
  let source: HttpSource
  afterEach(() => source?.close())

  const open = async (options: Record<string, unknown> = {}, checkpoint: string | null = null) => {
    source = new HttpSource('orders-http', 'orders', parseHttpSourceOptions({ stream: 'orders', ...options }), systemClock, logger)
    await source.connect(checkpoint)
    return source
  }
  const submit = (request: IngestRequest, timeoutMs = 10_000): Promise<RequestResult> => {
    source.enqueue(request)
    return source.wait(request, timeoutMs)
  }
  const tags = (batch: SourceBatch) => batch.messages.map((m) => ('record' in m ? `${m.record.tag}${m.record.i}` : '?'))

  it('coalesces the requests queued while a batch is appended into the next batch, and gives each request its own outcome', async () => {
    await open()
    const a = submit(new IngestRequest('a', bodyOf('a', 3), null))
    const first = await source.read(signal)
    expect(tags(first)).toEqual(['a0', 'a1', 'a2'])
    const b = submit(new IngestRequest('b', bodyOf('b', 2), null))
    const c = submit(new IngestRequest('c', bodyOf('c', 2), null))
    await first.ack({ accepted: 2, rejected: [{ index: 1, reason: 'schema: bad' }] })
    expect(await a).toEqual({ kind: 'done', accepted: 2, rejected: [{ line: 2, reason: 'schema: bad' }], rejectedCount: 1 })
    const second = await source.read(signal)
    expect(tags(second)).toEqual(['b0', 'b1', 'c0', 'c1'])
    expect(second.checkpointAfter).toBeUndefined() // no keyed request: no checkpoint to save
    await second.ack({
      accepted: 2,
      rejected: [
        { index: 0, reason: 'r0' },
        { index: 3, reason: 'r3' },
      ],
    })
    expect(await b).toEqual({ kind: 'done', accepted: 1, rejected: [{ line: 1, reason: 'r0' }], rejectedCount: 1 })
    expect(await c).toEqual({ kind: 'done', accepted: 1, rejected: [{ line: 2, reason: 'r3' }], rejectedCount: 1 })
    expect(source.pendingBytes).toBe(0)
  })

  it('cuts batches at maxBatchEvents and maxBatchBytes; a request larger than a batch goes in several, answered after the last', async () => {
    await open({ maxBatchEvents: 4, maxBatchBytes: 1024 })
    const big = submit(new IngestRequest('a', bodyOf('a', 6), null))
    const small = submit(new IngestRequest('b', bodyOf('b', 1, 2000), null))
    let answered = false
    void big.then(() => (answered = true))
    const sizes: number[] = []
    for (let i = 0; i < 3; i++) {
      const batch = await source.read(signal)
      sizes.push(batch.messages.length)
      await batch.ack({ accepted: batch.messages.length, rejected: [] })
      if (i === 0) {
        await new Promise((r) => setImmediate(r))
        expect(answered).toBe(false)
      }
    }
    // 4 events; then 2 (the request's rest; the next message alone is over maxBatchBytes); then the large one alone.
    expect(sizes).toEqual([4, 2, 1])
    expect(await big).toMatchObject({ kind: 'done', accepted: 6 })
    expect(await small).toMatchObject({ kind: 'done', accepted: 1 })
  })

  it('keeps keyed requests in the checkpoint with their outcome; a source connected with it knows them', async () => {
    await open()
    const request = new IngestRequest('k', bodyOf('k', 3), { id: 'key-1', body: 'hash-k', at: Date.now() })
    const done = submit(request)
    const batch = await source.read(signal)
    const outcome = { accepted: 2, rejected: [{ index: 2, reason: 'future: too far' }] }
    const checkpoint = batch.checkpointAfter!(outcome)!
    expect(source.lookup('key-1')).toEqual({ live: request }) // not yet in the log: still live
    await batch.ack(outcome)
    expect(await done).toMatchObject({ kind: 'done', accepted: 2 })
    expect(source.lookup('key-1')).toEqual({ record: expect.objectContaining({ done: 3, total: 3, accepted: 2, rejected: [{ line: 3, reason: 'future: too far' }] }) })
    await source.close()
    await open({}, checkpoint)
    expect(source.lookup('key-1')).toEqual({ record: expect.objectContaining({ id: 'key-1', done: 3, accepted: 2 }) })
  })

  it('records how far a keyed request larger than a batch got, and resumes it after that', async () => {
    await open({ maxBatchEvents: 2 })
    const key = { id: 'key-2', body: 'hash-k', at: Date.now() }
    void submit(new IngestRequest('k', bodyOf('k', 5), key))
    const batch = await source.read(signal)
    const checkpoint = batch.checkpointAfter!({ accepted: 1, rejected: [{ index: 0, reason: 'bad' }] })!
    await batch.ack({ accepted: 1, rejected: [{ index: 0, reason: 'bad' }] })
    await source.close() // a crash after the first batch
    await open({ maxBatchEvents: 10 }, checkpoint)
    const found = source.lookup('key-2')
    expect(found).toEqual({ record: expect.objectContaining({ done: 2, total: 5, accepted: 1, rejectedCount: 1 }) })
    const { record } = found as { record: KeyRecord }
    const retry = submit(new IngestRequest('k', bodyOf('k', 5), key, record))
    const rest = await source.read(signal)
    expect(tags(rest)).toEqual(['k2', 'k3', 'k4'])
    await rest.ack({ accepted: 3, rejected: [] })
    expect(await retry).toEqual({ kind: 'done', accepted: 4, rejected: [{ line: 1, reason: 'bad' }], rejectedCount: 1 })
  })

  it('answers a request still queued after ackTimeoutMs as not appended, and drops it; one handed to the log as unconfirmed', async () => {
    await open({ ackTimeoutMs: 200 })
    const inFlight = submit(new IngestRequest('a', bodyOf('a', 1), null), 200)
    const batch = await source.read(signal)
    const readAt = performance.now() // the batch has been in flight since before this
    const queued = submit(new IngestRequest('b', bodyOf('b', 1), null), 200)
    expect(await inFlight).toEqual({ kind: 'unconfirmed' })
    expect(await queued).toEqual({ kind: 'not-appended', why: 'log-unavailable' })
    // A 200 ms timer may fire a fraction of a millisecond before 200 ms have passed by performance.now().
    while (performance.now() - readAt <= 200) await new Promise((r) => setTimeout(r, 5))
    expect(source.status()).toBe('log-unavailable') // the batch has waited past ackTimeoutMs
    await batch.ack({ accepted: 1, rejected: [] })
    expect(source.status()).toBe('ready')
    expect(source.pendingBytes).toBe(0)
    const next = source.read(AbortSignal.timeout(100))
    await expect(next).rejects.toThrow() // the dropped request is not read
  })

  it('answers every waiting request when it closes, and ends a pending read', async () => {
    await open()
    const inFlight = submit(new IngestRequest('a', bodyOf('a', 1), null))
    await source.read(signal)
    const queued = submit(new IngestRequest('b', bodyOf('b', 1), null))
    await source.close()
    expect(await inFlight).toEqual({ kind: 'unconfirmed' })
    expect(await queued).toEqual({ kind: 'not-appended', why: 'source-stopped' })
    expect(source.status()).toBe('stopped')
    await expect(source.read(signal)).rejects.toThrow(/closed/)
  })
})
