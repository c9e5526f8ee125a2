import { TwinflowError, type Delta, type IdClaim, type DeltaOutcome, type FencedBatch, type PartialRow, type RealtimeStore } from '@twinflow/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { conformancePipeline } from './conformance-pipeline.ts'

const MINUTE = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000
const T0 = Date.UTC(2024, 0, 1)

const byShop = (windowStart: number, shop: string, big: boolean, cells: number[]): Delta => ({ view: 'byShop', windowStart, keys: [shop, big], cells })
const byBucket = (windowStart: number, bucket: number, n: number): Delta => ({ view: 'byBucket', windowStart, keys: [bucket], cells: [n] })
const total = (windowStart: number, n: number, amount: number): Delta => ({ view: 'total', windowStart, keys: [], cells: [n, amount] })
const batch = (firstOffset: number, lastOffset: number, deltas: Delta[], partition = 0, topic = 'conformance'): FencedBatch => ({
  topic,
  partition,
  firstOffset,
  lastOffset,
  deltas,
})
const claim = (key: string, partition: number, offset: number): IdClaim => ({ stream: 'conformance_orders', key, partition, offset })
const everything = (store: RealtimeStore, view: string) => store.readWindows(view, 0, Number.MAX_SAFE_INTEGER)
const applied: DeltaOutcome = { status: 'applied' }
const duplicate: DeltaOutcome = { status: 'duplicate' }

export interface RealtimeStoreConformanceOptions {
  /** false for a store whose reads carry no version (every read a full read). @default true */
  versionsWindows?: boolean
  /**
   * A new, not yet started store on the same storage as `store` (the same Redis key prefix, the
   * same files): the alert states must be there, as after a restart of the process.
   */
  sameStorage?: (store: RealtimeStore) => RealtimeStore | Promise<RealtimeStore>
}

/**
 * The behaviour every RealtimeStore must have (memory, Redis, ...), as a vitest suite. Call it at
 * the top level of a spec file. `makeStore` returns a new, not yet started store with no data
 * (a fresh Redis database or key prefix); the suite starts it with its own pipeline and stops it.
 */
export function realtimeStoreConformance(name: string, makeStore: () => RealtimeStore | Promise<RealtimeStore>, options: RealtimeStoreConformanceOptions = {}): void {
  const versionsWindows = options.versionsWindows ?? true
  describe(`RealtimeStore conformance: ${name}`, () => {
    let store: RealtimeStore

    beforeEach(async () => {
      store = await makeStore()
      await store.start(conformancePipeline)
    })
    afterEach(async () => {
      await store.stop()
    })

    it('applies a delta to a new group and reads it back with its keys and cells', async () => {
      const outcomes = await store.apply(batch(0, 4, [byShop(T0, 'shop-1', true, [3, 300, 1.5, 9.25, 12, 3])]))
      expect(outcomes).toEqual([applied])
      expect(await everything(store, 'byShop')).toEqual([{ windowStart: T0, keys: ['shop-1', true], cells: [3, 300, 1.5, 9.25, 12, 3] }])
    })

    it("merges deltas of later offsets by each cell's monoid", async () => {
      await store.apply(batch(0, 4, [byShop(T0, 's', false, [3, 300, 1.5, 9.25, 12, 3])]))
      expect(await store.apply(batch(5, 9, [byShop(T0, 's', false, [2, -50, 0.5, 4, 4.5, 2])]))).toEqual([applied])
      expect(await store.apply(batch(10, 10, [byShop(T0, 's', false, [1, 7, 2, 11, 2, 1])]))).toEqual([applied])
      // count and sums add, min keeps the least, max the greatest
      expect(await everything(store, 'byShop')).toEqual([{ windowStart: T0, keys: ['s', false], cells: [6, 257, 0.5, 11, 18.5, 6] }])
    })

    it('treats a redelivered batch, or any part of an applied one, as a duplicate that changes nothing', async () => {
      const first = batch(10, 19, [byShop(T0, 's', true, [2, 20, 1, 2, 3, 2]), total(T0, 2, 20)])
      expect(await store.apply(first)).toEqual([applied, applied])
      const before = [await everything(store, 'byShop'), await everything(store, 'total')]
      expect(await store.apply(first)).toEqual([duplicate, duplicate])
      expect(await store.apply(batch(12, 19, first.deltas))).toEqual([duplicate, duplicate])
      expect(await store.apply(batch(0, 5, first.deltas))).toEqual([duplicate, duplicate])
      expect([await everything(store, 'byShop'), await everything(store, 'total')]).toEqual(before)
    })

    it('reports an overlap with the fence, changes nothing, and then accepts the part after the fence', async () => {
      await store.apply(batch(0, 4, [total(T0, 5, 50)]))
      expect(await store.apply(batch(3, 9, [total(T0, 7, 70)]))).toEqual([{ status: 'overlap', fence: 4 }])
      expect(await store.apply(batch(4, 9, [total(T0, 6, 60)]))).toEqual([{ status: 'overlap', fence: 4 }])
      expect(await everything(store, 'total')).toEqual([{ windowStart: T0, keys: [], cells: [5, 50] }])
      expect(await store.apply(batch(5, 9, [total(T0, 5, 50)]))).toEqual([applied])
      expect(await everything(store, 'total')).toEqual([{ windowStart: T0, keys: [], cells: [10, 100] }])
      expect(await store.apply(batch(0, 12, [total(T0, 13, 130)]))).toEqual([{ status: 'overlap', fence: 9 }])
    })

    it('keeps one fence per topic and partition', async () => {
      expect(await store.apply(batch(0, 9, [total(T0, 1, 1)], 0))).toEqual([applied])
      expect(await store.apply(batch(0, 3, [total(T0, 1, 2)], 1))).toEqual([applied])
      expect(await store.apply(batch(0, 9, [total(T0, 1, 4)], 0, 'conformance.other'))).toEqual([applied])
      expect(await store.apply(batch(4, 4, [total(T0, 1, 8)], 1))).toEqual([applied])
      expect(await store.apply(batch(9, 9, [total(T0, 1, 16)], 0))).toEqual([duplicate])
      expect(await everything(store, 'total')).toEqual([{ windowStart: T0, keys: [], cells: [4, 15] }])
    })

    it("returns one outcome per delta, in order, each under its own group's fence", async () => {
      await store.apply(batch(0, 4, [byBucket(T0, 1, 1)]))
      await store.apply(batch(0, 10, [byBucket(T0, 3, 1)]))
      const outcomes = await store.apply(batch(3, 8, [byBucket(T0, 2, 1), byBucket(T0, 1, 1), byBucket(T0, 3, 1), byBucket(T0 + HOUR, 1, 1)]))
      expect(outcomes).toEqual([applied, { status: 'overlap', fence: 4 }, duplicate, applied])
      expect(await everything(store, 'byBucket')).toEqual(
        expect.arrayContaining([
          { windowStart: T0, keys: [1], cells: [1] },
          { windowStart: T0, keys: [2], cells: [1] },
          { windowStart: T0, keys: [3], cells: [1] },
          { windowStart: T0 + HOUR, keys: [1], cells: [1] },
        ]),
      )
      expect(await everything(store, 'byBucket')).toHaveLength(4)
    })

    it('reads the windows from <= windowStart < to of one view only', async () => {
      await store.apply(batch(0, 0, [byBucket(T0, 7, 1), byBucket(T0 + HOUR, 7, 2), byBucket(T0 + 2 * HOUR, 7, 3), total(T0, 1, 1)]))
      const rows = await store.readWindows('byBucket', T0 + HOUR, T0 + 2 * HOUR)
      expect(rows).toEqual([{ windowStart: T0 + HOUR, keys: [7], cells: [2] }])
      expect(await store.readWindows('byBucket', T0, T0 + 2 * HOUR + 1)).toHaveLength(3)
      expect(await store.readWindows('byShop', 0, Number.MAX_SAFE_INTEGER)).toEqual([])
    })

    it('round-trips keys of every kind and cells as exact IEEE doubles', async () => {
      const odd = 'shop:"ü"/{x}\\ 1'
      await store.apply(
        batch(0, 0, [
          byShop(T0, odd, true, [1, Number.MAX_SAFE_INTEGER - 1, -0.1, Infinity, 0.1, 1]),
          byShop(T0, odd, false, [1, 1, 1, 1, 1, 1]),
          byShop(T0, 'true', true, [1, 1, 1, 1, 1, 1]),
          byBucket(T0, Number.MAX_SAFE_INTEGER, 1),
          byBucket(T0, -5, 1),
          byBucket(T0, 0, 1),
        ]),
      )
      await store.apply(batch(1, 1, [byShop(T0, odd, true, [1, 1, -Infinity, 5, 0.2, 1])]))
      const shops = await everything(store, 'byShop')
      const find = (keys: PartialRow['keys']) => shops.find((r) => JSON.stringify(r.keys) === JSON.stringify(keys))
      // 0.1 + 0.2 in doubles is 0.30000000000000004 (extended precision would give 0.3)
      expect(find([odd, true])?.cells).toEqual([2, Number.MAX_SAFE_INTEGER, -Infinity, Infinity, 0.1 + 0.2, 2])
      expect(find([odd, false])?.cells).toEqual([1, 1, 1, 1, 1, 1])
      expect(find(['true', true])?.cells).toEqual([1, 1, 1, 1, 1, 1])
      expect(shops).toHaveLength(3)
      const buckets = (await everything(store, 'byBucket')).map((r) => r.keys[0])
      expect(buckets.sort((a, b) => (a as number) - (b as number))).toEqual([-5, 0, Number.MAX_SAFE_INTEGER])
    })

    it('merges sketch cells (registers by the higher rank, buckets by adding counts) and keeps a null key and an identity cell', async () => {
      const sketch = (windowStart: number, label: string | null, cells: Delta['cells']): Delta => ({ view: 'sketches', windowStart, keys: [label], cells })
      // registers are index * 64 + rank, ascending by index; buckets [key, count, ...] ascending by key.
      await store.apply(batch(0, 3, [sketch(T0, null, [[65, 3 * 64 + 2, 63 * 64 + 59], [-5, 2, 0, 1, 130, 4], Infinity, 0]), sketch(T0, 'x', [[], [], 2.5, 1]), total(T0, 1, 1)]))
      expect(await store.apply(batch(4, 4, [sketch(T0, null, [[64 + 3, 2 * 64 + 1, 3 * 64 + 1], [0, 2, 7, 1], -1.5, 1])]))).toEqual([applied])
      const rows = await everything(store, 'sketches')
      expect(rows.find((r) => r.keys[0] === null)?.cells).toEqual([[64 + 3, 2 * 64 + 1, 3 * 64 + 2, 63 * 64 + 59], [-5, 2, 0, 3, 7, 1, 130, 4], -1.5, 1])
      expect(rows.find((r) => r.keys[0] === 'x')?.cells).toEqual([[], [], 2.5, 1])
      expect(await store.apply(batch(4, 4, [sketch(T0, null, [[1], [1, 1], 1, 1])]))).toEqual([duplicate])
      expect(await store.dropBefore('sketches', T0 + HOUR)).toBe(2)
      expect(await everything(store, 'sketches')).toEqual([])
    })

    it('keeps a group whose cells are all empty sketches, and merges into it later', async () => {
      const labels = (shop: string, cells: Delta['cells']): Delta => ({ view: 'labels', windowStart: T0, keys: [shop], cells })
      expect(await store.apply(batch(0, 1, [labels('a', [[], []]), labels('b', [[2 * 64 + 3], [7, 2]])]))).toEqual([applied, applied])
      const byShop = async () => Object.fromEntries((await everything(store, 'labels')).map((r) => [r.keys[0], r.cells]))
      expect(await byShop()).toEqual({ a: [[], []], b: [[2 * 64 + 3], [7, 2]] })
      expect(await store.apply(batch(2, 2, [labels('a', [[64 + 1], [-3, 1]])]))).toEqual([applied])
      expect(await byShop()).toEqual({ a: [[64 + 1], [-3, 1]], b: [[2 * 64 + 3], [7, 2]] })
      expect(await store.dropBefore('labels', T0 + HOUR)).toBe(2)
    })

    it('rejects a sketch cell that is not in its canonical form', async () => {
      const bad = (cells: Delta['cells']) => store.apply(batch(0, 0, [{ view: 'sketches', windowStart: T0, keys: ['x'], cells }]))
      await expect(bad([[3 * 64 + 1, 64 + 1], [], 1, 1])).rejects.toMatchObject({ kind: 'validation' })
      await expect(bad([[], [2, 1, 1, 1], 1, 1])).rejects.toMatchObject({ kind: 'validation' })
      await expect(bad([[64 * 64 + 1], [], 1, 1])).rejects.toMatchObject({ kind: 'validation' })
      await expect(bad([5 as unknown as number[], [], 1, 1])).rejects.toMatchObject({ kind: 'validation' })
      expect(await everything(store, 'sketches')).toEqual([])
    })

    it('drops the groups of a view before a cutoff, with their fences, and counts them', async () => {
      await store.apply(
        batch(0, 5, [byShop(T0, 'a', true, [1, 1, 1, 1, 1, 1]), byShop(T0 + MINUTE, 'a', true, [1, 1, 1, 1, 1, 1]), byShop(T0 + MINUTE, 'b', true, [1, 1, 1, 1, 1, 1])]),
      )
      await store.apply(batch(0, 5, [byShop(T0 + 2 * MINUTE, 'a', true, [1, 1, 1, 1, 1, 1]), total(T0, 1, 1)], 1))
      expect(await store.dropBefore('byShop', T0 + 2 * MINUTE)).toBe(3)
      expect(await everything(store, 'byShop')).toEqual([{ windowStart: T0 + 2 * MINUTE, keys: ['a', true], cells: [1, 1, 1, 1, 1, 1] }])
      expect(await everything(store, 'total')).toHaveLength(1)
      expect(await store.dropBefore('byShop', T0 + 2 * MINUTE)).toBe(0)
      // the fence went with the group: the same offsets apply again to a new group
      expect(await store.apply(batch(0, 5, [byShop(T0, 'a', true, [1, 1, 1, 1, 1, 1])]))).toEqual([applied])
    })

    it('marks cutoffs per view, never moving back; a drop marks its cutoff first', async () => {
      expect(await store.markedCutoff('byShop')).toBeNull()
      await store.markCutoff('byShop', T0 + MINUTE)
      await store.markCutoff('byShop', T0)
      expect(await store.markedCutoff('byShop')).toBe(T0 + MINUTE)
      expect(await store.markedCutoff('total')).toBeNull()
      await store.dropBefore('total', T0 + 2 * MINUTE)
      expect(await store.markedCutoff('total')).toBe(T0 + 2 * MINUTE)
      await store.dropBefore('byShop', T0)
      expect(await store.markedCutoff('byShop')).toBe(T0 + MINUTE)
    })

    it('reads windows and the cutoff mark together, the mark as markedCutoff gives it', async () => {
      const marked = async (view: string, from: number, to: number) => {
        const { rows, markedCutoff, unchanged } = await store.readMarkedWindows(view, from, to)
        expect(unchanged).toBe(false)
        return { rows, markedCutoff }
      }
      await store.apply(batch(0, 0, [byBucket(T0, 7, 1), byBucket(T0 + HOUR, 7, 2), byBucket(T0 + 2 * HOUR, 7, 3)]))
      expect(await marked('byBucket', T0 + HOUR, T0 + 3 * HOUR)).toEqual({ rows: await store.readWindows('byBucket', T0 + HOUR, T0 + 3 * HOUR), markedCutoff: null })
      expect(await marked('byShop', 0, Number.MAX_SAFE_INTEGER)).toEqual({ rows: [], markedCutoff: null })
      await store.markCutoff('byBucket', T0 + HOUR)
      expect(await marked('byBucket', 0, Number.MAX_SAFE_INTEGER)).toEqual({ rows: await everything(store, 'byBucket'), markedCutoff: T0 + HOUR })
      await store.dropBefore('byBucket', T0 + 2 * HOUR)
      expect(await marked('byBucket', 0, Number.MAX_SAFE_INTEGER)).toEqual({ rows: [{ windowStart: T0 + 2 * HOUR, keys: [7], cells: [3] }], markedCutoff: T0 + 2 * HOUR })
      expect(await marked('byShop', 0, Number.MAX_SAFE_INTEGER)).toEqual({ rows: [], markedCutoff: null })
      await expect(store.readMarkedWindows('nope', 0, 1)).rejects.toThrow(TwinflowError)
    })

    it('a read since a version answers "unchanged" (no rows, the current mark) until a delta is applied or a group dropped', async () => {
      const all = (since?: string | null) => store.readMarkedWindows('byBucket', 0, Number.MAX_SAFE_INTEGER, since)
      await store.apply(batch(0, 0, [byBucket(T0, 7, 1), byBucket(T0 + HOUR, 8, 2)]))
      const first = await all()
      expect(first.version === null).toBe(!versionsWindows)
      if (first.version === null) {
        // A store that does not version its windows: every read is a full read.
        expect(await all('anything')).toEqual({ ...first, unchanged: false })
        return
      }
      expect(first.rows).toHaveLength(2)
      expect(await all(first.version)).toEqual({ rows: [], markedCutoff: null, version: first.version, unchanged: true })
      // Neither the mark, nor a redelivered batch, nor a drop of nothing changes the windows.
      await store.markCutoff('byBucket', T0 - HOUR)
      expect(await store.apply(batch(0, 0, [byBucket(T0, 7, 1)]))).toEqual([duplicate])
      expect(await store.dropBefore('byBucket', T0 - HOUR)).toBe(0)
      await store.apply(batch(0, 9, [byShop(T0, 's', true, [1, 1, 1, 1, 1, 1])])) // another view
      expect(await all(first.version)).toEqual({ rows: [], markedCutoff: T0 - HOUR, version: first.version, unchanged: true })
      // An applied delta changes them: a full read, at a version never seen before.
      await store.apply(batch(1, 1, [byBucket(T0 + HOUR, 8, 5)]))
      const second = await all(first.version)
      expect(second).toMatchObject({ unchanged: false, markedCutoff: T0 - HOUR })
      expect(second.rows).toEqual(await everything(store, 'byBucket'))
      expect(second.version).not.toBe(first.version)
      expect(await all(second.version)).toMatchObject({ unchanged: true, rows: [] })
      // So does a drop that deletes a group; an unknown version gets a full read.
      expect(await store.dropBefore('byBucket', T0 + HOUR)).toBe(1)
      const third = await all(second.version)
      expect(third).toMatchObject({ unchanged: false, rows: [{ windowStart: T0 + HOUR, keys: [8], cells: [7] }] })
      expect([first.version, second.version]).not.toContain(third.version)
      expect(await all('not a version')).toEqual({ ...third, unchanged: false })
    })

    it('records progress per consumer and topic, and never moves it back', async () => {
      expect(await store.progress('speed', 'conformance')).toEqual(new Map())
      await store.recordProgress('speed', 'conformance', 0, 41)
      await store.recordProgress('speed', 'conformance', 2, 7)
      await store.recordProgress('speed', 'conformance.other', 0, 3)
      await store.recordProgress('other', 'conformance', 0, 1)
      await store.recordProgress('speed', 'conformance', 0, 40)
      expect(await store.progress('speed', 'conformance')).toEqual(
        new Map([
          [0, 41],
          [2, 7],
        ]),
      )
      expect(await store.progress('speed', 'conformance.other')).toEqual(new Map([[0, 3]]))
      expect(await store.progress('other', 'conformance')).toEqual(new Map([[0, 1]]))
    })

    it('tracks the newest applied event time per view, to window precision', async () => {
      expect(await store.newestEventTime('byShop')).toBeNull()
      await store.apply(batch(0, 3, [byShop(T0 + 5 * MINUTE, 'a', true, [1, 1, 1, 1, 1, 1]), byShop(T0 + MINUTE, 'a', true, [1, 1, 1, 1, 1, 1])]))
      const newest = await store.newestEventTime('byShop')
      expect(newest).toBeGreaterThanOrEqual(T0 + 5 * MINUTE)
      expect(newest).toBeLessThan(T0 + 6 * MINUTE)
      await store.apply(batch(4, 4, [byShop(T0 + 2 * MINUTE, 'a', true, [1, 1, 1, 1, 1, 1])]))
      expect(await store.newestEventTime('byShop')).toBe(newest)
      await store.apply(batch(5, 5, [byShop(T0 + 9 * MINUTE, 'b', true, [1, 1, 1, 1, 1, 1])]))
      expect(await store.newestEventTime('byShop')).toBeGreaterThanOrEqual(T0 + 9 * MINUTE)
      expect(await store.newestEventTime('total')).toBeNull()
      await store.apply(batch(9, 9, [total(T0 + DAY, 1, 1)]))
      expect(await store.newestEventTime('total')).toBeGreaterThanOrEqual(T0 + DAY)
    })

    it('rejects an invalid batch with a validation error and applies none of it', async () => {
      const good = total(T0, 1, 1)
      const invalid: FencedBatch[] = [
        batch(0, 0, [good, { view: 'nope', windowStart: T0, keys: [], cells: [1] }]),
        batch(0, 0, [good, { ...total(T0, 1, 1), cells: [1] }]),
        batch(0, 0, [good, { ...total(T0, 1, 1), cells: [1, Number.NaN] }]),
        batch(0, 0, [good, { ...byBucket(T0, 1, 1), keys: [] }]),
        batch(0, 0, [good, total(T0 + 1, 1, 1)]),
        batch(5, 4, [good]),
        batch(-1, 4, [good]),
      ]
      for (const b of invalid) {
        const error = await store.apply(b).then(
          () => null,
          (e: unknown) => e,
        )
        expect(TwinflowError.is(error, 'validation'), `${JSON.stringify(b)} should be rejected`).toBe(true)
      }
      expect(await everything(store, 'total')).toEqual([])
    })

    it('applies concurrent batches of many partitions to one group without losing an update', async () => {
      const outcomes = await Promise.all(Array.from({ length: 24 }, (_, p) => store.apply(batch(p, p + 3, [total(T0, 1, p)], p))))
      expect(outcomes.flat()).toEqual(Array.from({ length: 24 }, () => applied))
      expect(await everything(store, 'total')).toEqual([{ windowStart: T0, keys: [], cells: [24, (23 * 24) / 2] }])
    })

    it('keeps its data and fences across stop() and start()', async () => {
      await store.apply(batch(0, 4, [total(T0, 5, 5)]))
      await store.recordProgress('speed', 'conformance', 0, 4)
      await store.stop()
      await store.start(conformancePipeline)
      expect(await everything(store, 'total')).toEqual([{ windowStart: T0, keys: [], cells: [5, 5] }])
      expect(await store.apply(batch(0, 4, [total(T0, 5, 5)]))).toEqual([duplicate])
      expect(await store.progress('speed', 'conformance')).toEqual(new Map([[0, 4]]))
    })

    it('claims an id for the first position: a later position is a duplicate, the same position again is kept', async () => {
      expect(await store.claimIds([claim('a', 0, 5), claim('b', 0, 6), claim('a', 0, 7), claim('a', 1, 2)], DAY)).toEqual([true, true, false, false])
      // a redelivery (the same positions, in another call) gets the same answers and changes nothing
      expect(await store.claimIds([claim('a', 0, 7), claim('a', 0, 5), claim('b', 0, 6)], DAY)).toEqual([false, true, true])
      // keys are per stream and per key string; an empty call answers nothing
      expect(await store.claimIds([{ stream: 'conformance_orders', key: 'a\u0000other', partition: 0, offset: 9 }], DAY)).toEqual([true])
      expect(await store.claimIds([], DAY)).toEqual([])
    })

    it('answers the claims of one call in order: a key claimed twice in a call is a duplicate the second time', async () => {
      const claims = Array.from({ length: 40 }, (_, i) => claim(`k${i % 10}`, i % 2, 100 + i))
      expect(await store.claimIds(claims, DAY)).toEqual(claims.map((_, i) => i < 10))
    })

    it('forgets a claim after its time to live: the key is claimed anew', async () => {
      expect(await store.claimIds([claim('x', 0, 1)], 200)).toEqual([true])
      expect(await store.claimIds([claim('x', 0, 2)], 200)).toEqual([false])
      await new Promise((resolve) => setTimeout(resolve, 450))
      expect(await store.claimIds([claim('x', 0, 2)], 200)).toEqual([true])
      expect(await store.claimIds([claim('x', 0, 1)], 200)).toEqual([false])
    })

    it('keeps its claims across stop() and start()', async () => {
      expect(await store.claimIds([claim('r', 3, 30)], DAY)).toEqual([true])
      await store.stop()
      await store.start(conformancePipeline)
      expect(await store.claimIds([claim('r', 3, 31), claim('r', 3, 30)], DAY)).toEqual([false, true])
    })

    it('rejects a claim of a stream without dedupeBy, a bad position or time to live, and records nothing then', async () => {
      const reject = async (claims: IdClaim[], ttlMs = DAY) => {
        const error = await store.claimIds(claims, ttlMs).then(
          () => null,
          (e: unknown) => e,
        )
        expect(TwinflowError.is(error, 'validation')).toBe(true)
      }
      await reject([claim('v', 0, 1), { stream: 'conformance_events', key: 'v', partition: 0, offset: 2 }])
      await reject([claim('v', 0, 1), { stream: 'conformance_orders', key: 'v', partition: -1, offset: 2 }])
      await reject([claim('v', 0, 1), claim('v', 0, 1.5)])
      await reject([claim('v', 0, 1)], 0)
      expect(await store.claimIds([claim('v', 0, 3)], DAY)).toEqual([true])
    })

    it('gives a lease to one token at a time; only its holder renews or releases it', async () => {
      expect(await store.acquireLease('alerts', 'a', 10_000)).toBe(true)
      expect(await store.acquireLease('alerts', 'b', 10_000)).toBe(false)
      expect(await store.acquireLease('alerts', 'a', 10_000)).toBe(false)
      expect(await store.acquireLease('other', 'b', 10_000)).toBe(true)
      expect(await store.renewLease({ name: 'alerts', token: 'b' }, 10_000)).toBe(false)
      expect(await store.renewLease({ name: 'alerts', token: 'a' }, 10_000)).toBe(true)
      await store.releaseLease({ name: 'alerts', token: 'b' })
      expect(await store.acquireLease('alerts', 'b', 10_000)).toBe(false)
      await store.releaseLease({ name: 'alerts', token: 'a' })
      expect(await store.renewLease({ name: 'alerts', token: 'a' }, 10_000)).toBe(false)
      expect(await store.acquireLease('alerts', 'b', 10_000)).toBe(true)
    })

    it('lets a lease that is not renewed expire: another token takes it, and the old holder can no longer renew it', async () => {
      expect(await store.acquireLease('alerts', 'a', 200)).toBe(true)
      expect(await store.renewLease({ name: 'alerts', token: 'a' }, 200)).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 450))
      expect(await store.acquireLease('alerts', 'b', 10_000)).toBe(true)
      expect(await store.renewLease({ name: 'alerts', token: 'a' }, 10_000)).toBe(false)
    })

    it('writes alert states only under the held lease (its token fences them), and reads them back', async () => {
      const a = { name: 'alerts', token: 'a' }
      const b = { name: 'alerts', token: 'b' }
      expect(await store.readAlertStates()).toEqual([])
      expect(await store.writeAlertStates(a, [{ key: 'r1/x', value: '{"state":"pending"}' }], [])).toBe(false)
      expect(await store.acquireLease('alerts', 'a', 10_000)).toBe(true)
      const text = '{"state":"firing","group":{"région":"Île ✓"},"value":-0.5}'
      expect(
        await store.writeAlertStates(
          a,
          [
            { key: 'r1/x', value: '{"state":"pending"}' },
            { key: 'r1/ÿ ✓', value: text },
          ],
          [],
        ),
      ).toBe(true)
      expect(
        await store.writeAlertStates(
          a,
          [
            { key: 'r1/x', value: '{"state":"firing"}' },
            { key: 'r2/total', value: '{}' },
          ],
          ['r2/none'],
        ),
      ).toBe(true)
      const sorted = async () => (await store.readAlertStates()).sort((p, q) => (p.key < q.key ? -1 : 1))
      expect(await sorted()).toEqual([
        { key: 'r1/x', value: '{"state":"firing"}' },
        { key: 'r1/ÿ ✓', value: text },
        { key: 'r2/total', value: '{}' },
      ])
      expect(await store.writeAlertStates(b, [{ key: 'r1/x', value: 'stolen' }], ['r2/total'])).toBe(false)
      expect(await store.writeAlertStates(a, [], ['r2/total', 'r1/ÿ ✓'])).toBe(true)
      expect(await sorted()).toEqual([{ key: 'r1/x', value: '{"state":"firing"}' }])
      await store.releaseLease(a)
      expect(await store.writeAlertStates(a, [{ key: 'r1/x', value: 'late' }], [])).toBe(false)
      expect(await sorted()).toEqual([{ key: 'r1/x', value: '{"state":"firing"}' }])
    })

    it('fences the writes of a holder whose lease expired and was taken by another', async () => {
      const a = { name: 'alerts', token: 'a' }
      expect(await store.acquireLease('alerts', 'a', 150)).toBe(true)
      await new Promise((resolve) => setTimeout(resolve, 400))
      expect(await store.writeAlertStates(a, [{ key: 'k', value: 'from a' }], [])).toBe(false)
      expect(await store.acquireLease('alerts', 'b', 10_000)).toBe(true)
      expect(await store.writeAlertStates({ name: 'alerts', token: 'b' }, [{ key: 'k', value: 'from b' }], [])).toBe(true)
      expect(await store.writeAlertStates(a, [{ key: 'k', value: 'from a, late' }], [])).toBe(false)
      expect(await store.readAlertStates()).toEqual([{ key: 'k', value: 'from b' }])
    })

    it('keeps the alert states across stop() and start(), and in a new store on the same storage (a restart)', async () => {
      const lease = { name: 'alerts', token: 'a' }
      expect(await store.acquireLease('alerts', 'a', 10_000)).toBe(true)
      expect(await store.writeAlertStates(lease, [{ key: 'r/g', value: '{"state":"firing","sequence":1}' }], [])).toBe(true)
      await store.stop()
      await store.start(conformancePipeline)
      expect(await store.readAlertStates()).toEqual([{ key: 'r/g', value: '{"state":"firing","sequence":1}' }])
      if (!options.sameStorage) return
      const restarted = await options.sameStorage(store)
      await restarted.start(conformancePipeline)
      try {
        expect(await restarted.readAlertStates()).toEqual([{ key: 'r/g', value: '{"state":"firing","sequence":1}' }])
      } finally {
        await restarted.stop()
      }
    })

    it('rejects calls before start() with an unavailable error', async () => {
      const fresh = await makeStore()
      const error = await fresh.apply(batch(0, 0, [total(T0, 1, 1)])).then(
        () => null,
        (e: unknown) => e,
      )
      expect(TwinflowError.is(error, 'unavailable')).toBe(true)
    })
  })
}
