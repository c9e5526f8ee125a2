import { createJsonLogger, definePipeline, TwinflowError, type LogBatch, type Pipeline } from '@twinflow/core'
import { generateOrders, onlineStorePipeline, orders, shopRevenue } from '@twinflow/example-online-store'
import fc from 'fast-check'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { FRAGILE_MODULE as FRAGILE, pipeline as fragilePipeline } from '../testing/fragile-pipeline-module.ts'
import { ONLINE_STORE_MODULE as ONLINE_STORE } from '../testing/online-store-module-url.ts'
import { inlineFolder } from './batch-folder.ts'
import { FoldPool } from './fold-pool.ts'
import { FoldError, StreamFold } from './stream-fold.ts'

const T0 = Date.UTC(2026, 0, 5)
const MINUTE = 60_000
const moduleUrl = (relative: string) => new URL(relative, import.meta.url).href
const logger = createJsonLogger({ level: 'silent' })

const pool = (pipeline: Pipeline, pipelineModule: string, threads = 1, foldTimeoutMs = 30_000) =>
  new FoldPool({ threads, pipeline, pipelineModule, preload: [], maxEventBytes: 600, logger, foldTimeoutMs })

function batchOf(topic: string, payloads: readonly Buffer[], firstOffset = 100): LogBatch {
  const records = payloads.map((value, i) => ({ offset: firstOffset + i, key: null, value, timestamp: T0, headers: {} }))
  return { topic, partition: 0, records, firstOffset, lastOffset: firstOffset + payloads.length - 1, highWatermark: firstOffset + payloads.length }
}

describe('FoldPool', () => {
  describe('on the online-store pipeline', () => {
    let threads: FoldPool
    beforeAll(async () => {
      threads = pool(onlineStorePipeline, ONLINE_STORE, 2)
      await threads.start()
    })
    afterAll(() => threads.close())

    it('folds every batch to the outcome the event loop gets: deltas, dead letters, skipped pairs, newest times', async () => {
      const fold = new StreamFold(orders, onlineStorePipeline.viewsOf('orders'), { maxEventBytes: 600 })
      const events = generateOrders(400, { seed: 3, from: T0, to: T0 + 90 * MINUTE })
      const broken = [Buffer.from('{"orderId": '), Buffer.from('{}'), Buffer.alloc(700, 32), Buffer.from(JSON.stringify({ ...events[0], quantity: 'two' }))]
      const payload = fc.oneof(
        { weight: 9, arbitrary: fc.constantFrom(...events).map((e) => Buffer.from(JSON.stringify(e))) },
        { weight: 1, arbitrary: fc.constantFrom(...broken) },
      )
      const cutoff = fc.constantFrom(0, T0, T0 + 30 * MINUTE, T0 + 3 * 3_600_000)
      await fc.assert(
        fc.asyncProperty(fc.array(payload, { minLength: 1, maxLength: 300 }), fc.tuple(cutoff, cutoff), async (payloads, cutoffs) => {
          const batch = batchOf(orders.topic, payloads)
          const [inThreads, onLoop] = await Promise.all([threads.fold(fold, batch, cutoffs), inlineFolder.fold(fold, batch, cutoffs)])
          expect(inThreads).toEqual(onLoop)
        }),
        { numRuns: 60 },
      )
    })

    it('folds batches sent at once, each to its own outcome', async () => {
      const fold = new StreamFold(orders, onlineStorePipeline.viewsOf('orders'), { maxEventBytes: 600 })
      const batches = [1, 2, 3, 4, 5, 6].map((seed) =>
        batchOf(
          orders.topic,
          generateOrders(50 * seed, { seed, from: T0, to: T0 + 60 * MINUTE }).map((e) => Buffer.from(JSON.stringify(e))),
        ),
      )
      const outcomes = await Promise.all(batches.map((b) => threads.fold(fold, b, [0, 0])))
      for (const [i, b] of batches.entries()) expect(outcomes[i]).toEqual(await inlineFolder.fold(fold, b, [0, 0]))
    })
  })

  it('fails to start with a config error when the module declares another pipeline than the process runs', async () => {
    const other = definePipeline({ streams: [orders], views: [shopRevenue] })
    const threads = pool(other, ONLINE_STORE)
    const started = threads.start()
    await expect(started).rejects.toThrow(TwinflowError)
    await expect(started).rejects.toMatchObject({
      kind: 'config',
      message: expect.stringContaining(
        'declares other streams or views than the pipeline this process runs (stream "pageViews" is only in the module; view "orderMix" is only in the module; view "shopTraffic" is only in the module)',
      ),
    })
  })

  it('fails to start with a config error that names a module it cannot load', async () => {
    const missing = moduleUrl('../testing/no-such-pipeline-module.ts')
    const started = pool(onlineStorePipeline, missing).start()
    await expect(started).rejects.toMatchObject({ kind: 'config', message: expect.stringContaining(`cannot load the pipeline module ${missing}`) })
  })

  describe('when a thread fails', () => {
    let threads: FoldPool
    const fold = new StreamFold(fragilePipeline.streams[0]!, fragilePipeline.views, { maxEventBytes: 600 })
    const event = (label: string, minute = 0) => Buffer.from(JSON.stringify({ label, ts: T0 + minute * MINUTE }))
    afterEach(() => threads?.close())

    it('rejects the batch with what the fold threw, and folds the next batch', async () => {
      threads = pool(fragilePipeline, FRAGILE)
      await threads.start()
      const failed = threads.fold(fold, batchOf('twinflow.fragile', [event('a'), event('throw')]), [0])
      await expect(failed).rejects.toThrow(new Error('the label parser threw'))
      await expect(failed).rejects.not.toBeInstanceOf(FoldError)
      await expect(failed).rejects.not.toBeInstanceOf(TwinflowError)
      const next = await threads.fold(fold, batchOf('twinflow.fragile', [event('a'), event('b', 1)]), [0])
      expect(next.deltas.map((d) => [d.windowStart, d.keys, d.cells])).toEqual([
        [T0, ['a'], [1]],
        [T0 + MINUTE, ['b'], [1]],
      ])
    })

    it('keeps the kind and retriability of a TwinflowError the fold threw', async () => {
      threads = pool(fragilePipeline, FRAGILE)
      await threads.start()
      const failed = threads.fold(fold, batchOf('twinflow.fragile', [event('unavailable')]), [0])
      await expect(failed).rejects.toThrow(TwinflowError)
      await expect(failed).rejects.toMatchObject({ kind: 'unavailable', retriable: true, message: 'the label service did not answer' })
    })

    it('rejects a fold whose signal aborts at once with its reason, and folds the next batch', async () => {
      threads = pool(fragilePipeline, FRAGILE)
      await threads.start()
      const controller = new AbortController()
      const big = batchOf(
        'twinflow.fragile',
        Array.from({ length: 20_000 }, (_, i) => event(`l${i % 50}`, i % 7)),
      )
      const aborted = threads.fold(fold, big, [0], controller.signal)
      const reason = new Error('partition revoked')
      controller.abort(reason)
      await expect(aborted).rejects.toBe(reason)
      await expect(threads.fold(fold, batchOf('twinflow.fragile', [event('x')]), [0], AbortSignal.abort(reason))).rejects.toBe(reason)
      const next = await threads.fold(fold, batchOf('twinflow.fragile', [event('d')]), [0], new AbortController().signal)
      expect(next.deltas.map((d) => d.keys)).toEqual([['d']])
    })

    it('gives up with a non-retriable error when threads die again and again with no batch folded in between', async () => {
      threads = pool(fragilePipeline, FRAGILE)
      await threads.start()
      const killer = batchOf('twinflow.fragile', [event('exit-thread')])
      for (let i = 0; i < 3; i++) await expect(threads.fold(fold, killer, [0])).rejects.toMatchObject({ kind: 'unavailable', retriable: true })
      await expect(threads.fold(fold, batchOf('twinflow.fragile', [event('e')]), [0])).rejects.toMatchObject({
        kind: 'internal',
        retriable: false,
        message: expect.stringContaining('the fold threads died 3 times in a row without folding a batch'),
      })
    })

    it('terminates a thread that answers nothing for foldTimeoutMs (a fold that never returns), rejects its batches with a retriable error, and replaces it', async () => {
      threads = pool(fragilePipeline, FRAGILE, 1, 400)
      await threads.start()
      const started = performance.now()
      const looping = threads.fold(fold, batchOf('twinflow.fragile', [event('a'), event('loop')]), [0])
      const queued = threads.fold(fold, batchOf('twinflow.fragile', [event('b')]), [0])
      const stuck = { kind: 'unavailable', retriable: true, message: expect.stringContaining('fold thread 0 had batches to fold and answered nothing for 400 ms') }
      await expect(looping).rejects.toMatchObject(stuck)
      await expect(queued).rejects.toMatchObject(stuck)
      expect(performance.now() - started).toBeGreaterThanOrEqual(400)
      const next = await threads.fold(fold, batchOf('twinflow.fragile', [event('c')]), [0])
      expect(next.deltas.map((d) => d.keys)).toEqual([['c']])
      // A thread that keeps answering is never terminated, however long it stays busy.
      const payloads = Array.from({ length: 20_000 }, (_, j) => event(`l${j % 9}`))
      const busyFrom = performance.now()
      const batches = Array.from({ length: 40 }, () => threads.fold(fold, batchOf('twinflow.fragile', payloads), [0]))
      expect((await Promise.all(batches)).map((o) => o.deltas.length)).toEqual(Array(40).fill(9))
      expect(performance.now() - busyFrom).toBeGreaterThan(400)
      // A batch aborted while its fold loops: the thread is terminated all the same, so the next batch folds.
      const controller = new AbortController()
      const abandoned = threads.fold(fold, batchOf('twinflow.fragile', [event('loop')]), [0], controller.signal)
      await new Promise((r) => setTimeout(r, 100)) // the thread has it, and loops
      controller.abort(new Error('partition revoked'))
      await expect(abandoned).rejects.toThrow('partition revoked')
      await new Promise((r) => setTimeout(r, 700))
      const after = await threads.fold(fold, batchOf('twinflow.fragile', [event('f')]), [0])
      expect(after.deltas.map((d) => d.keys)).toEqual([['f']])
      // Three endless folds in a row, with no batch folded between them: the pool gives up.
      const loop = batchOf('twinflow.fragile', [event('loop')])
      for (let i = 0; i < 3; i++) await expect(threads.fold(fold, loop, [0])).rejects.toMatchObject(stuck)
      await expect(threads.fold(fold, batchOf('twinflow.fragile', [event('e')]), [0])).rejects.toMatchObject({ kind: 'internal', retriable: false })
    })

    it('rejects the batches in flight of a thread that died with a retriable error, and replaces the thread', async () => {
      threads = pool(fragilePipeline, FRAGILE)
      await threads.start()
      const dying = threads.fold(fold, batchOf('twinflow.fragile', [event('a'), event('exit-thread')]), [0])
      await expect(dying).rejects.toMatchObject({ kind: 'unavailable', retriable: true, message: 'fold thread 0 exited (code 7)' })
      const next = await threads.fold(fold, batchOf('twinflow.fragile', [event('c')]), [0])
      expect(next.deltas.map((d) => d.keys)).toEqual([['c']])
    })
  })
})
