import { count, createJsonLogger, defineStream, definePipeline, defineView, systemClock, t, TwinflowError, type Delta } from '@twinflow/core'
import { MemoryRealtimeStore } from '@twinflow/plugin-memory'
import { Waiter } from '@twinflow/testing/conformance'
import { describe, expect, it } from 'vitest'
import { CutoffWatcher, type CutoffWatcherDeps } from './cutoff-watcher.ts'
import { SettableCutoffSource } from './testing/settable-cutoff-source.ts'

const HOUR = 3_600_000
const T0 = Date.UTC(2026, 0, 5)
const s = defineStream('s', { k: t.string(), ts: t.eventTime() })
const hourly = defineView('hourly', s, { groupBy: (e) => ({ k: e.k }), window: '1h', measures: () => ({ n: count() }) })
const daily = defineView('daily', s, { groupBy: () => ({}), window: '1d', measures: () => ({ n: count() }) })
const pipeline = definePipeline({ streams: [s], views: [hourly, daily] })
const delta = (view: string, windowStart: number, keys: Delta['keys']): Delta => ({ view, windowStart, keys, cells: [1] })

async function setup(extra: Partial<CutoffWatcherDeps> = {}) {
  const store = new MemoryRealtimeStore()
  await store.start(pipeline)
  await store.apply({ topic: 't', partition: 0, firstOffset: 0, lastOffset: 0, deltas: [0, 1, 2, 3].map((h) => delta('hourly', T0 + h * HOUR, ['a'])) })
  await store.apply({ topic: 't', partition: 0, firstOffset: 0, lastOffset: 0, deltas: [delta('daily', T0, [])] })
  const source = new SettableCutoffSource()
  const lines: string[] = []
  const logged = new Waiter()
  const errors: unknown[] = []
  const logger = createJsonLogger({
    level: 'debug',
    write: (line) => {
      lines.push(line)
      logged.notify()
    },
  })
  const watcher = new CutoffWatcher({ source, store, views: ['hourly', 'daily'], clock: systemClock, logger, refreshIntervalMs: 60_000, onError: (e) => errors.push(e), ...extra })
  const windows = async (view = 'hourly') => (await store.readWindows(view, 0, Number.MAX_SAFE_INTEGER)).map((r) => r.windowStart - T0)
  return { store, source, watcher, lines, logged, errors, windows }
}

describe('CutoffWatcher', () => {
  it('reads the cutoffs at start, and knows none before a publication', async () => {
    const { source, watcher, windows } = await setup()
    source.set('hourly', T0 + 2 * HOUR)
    await watcher.start()
    expect(watcher.cutoff('hourly')).toBe(T0 + 2 * HOUR)
    expect(watcher.cutoff('daily')).toBe(-Infinity)
    expect(await windows()).toEqual([2 * HOUR, 3 * HOUR])
    expect(await windows('daily')).toEqual([0])
    await watcher.stop()
  })

  it('drops the groups below an advanced cutoff only after the batches in flight are settled', async () => {
    let settle!: () => void
    let settling = false
    const { source, watcher, windows } = await setup({
      settle: () => {
        settling = true
        return new Promise<void>((resolve) => (settle = resolve))
      },
    })
    await watcher.start()
    source.set('hourly', T0 + 3 * HOUR)
    const refreshed = watcher.refresh()
    await new Promise((r) => setImmediate(r))
    expect(settling).toBe(true)
    expect(watcher.cutoff('hourly')).toBe(T0 + 3 * HOUR)
    expect(await windows()).toEqual([0, HOUR, 2 * HOUR, 3 * HOUR])
    settle()
    await refreshed
    expect(await windows()).toEqual([3 * HOUR])
    await watcher.stop()
  })

  it('keeps the higher cutoff when a publication moves back, and keeps the last one when the source fails', async () => {
    const { source, watcher, lines, errors } = await setup()
    source.set('hourly', T0 + 2 * HOUR)
    await watcher.start()
    source.set('hourly', T0 + HOUR)
    await watcher.refresh()
    expect(watcher.cutoff('hourly')).toBe(T0 + 2 * HOUR)
    expect(lines.some((l) => l.includes('published cutoff moved back'))).toBe(true)
    const down = new TwinflowError('unavailable', 'clickhouse down')
    source.failNextRead(down)
    await watcher.refresh()
    expect(watcher.cutoff('hourly')).toBe(T0 + 2 * HOUR)
    expect(errors).toEqual([down])
    await watcher.stop()
  })

  it('tries a failed drop again at the next refresh', async () => {
    const { store, source, watcher, errors, windows } = await setup()
    await watcher.start()
    await store.stop()
    source.set('hourly', T0 + 2 * HOUR)
    await watcher.refresh()
    expect(TwinflowError.is(errors[0], 'unavailable')).toBe(true)
    await store.start(pipeline)
    await watcher.refresh()
    expect(await windows()).toEqual([2 * HOUR, 3 * HOUR])
    await watcher.stop()
  })

  it('refreshes on its interval until stopped', async () => {
    const { source, watcher, lines, logged, windows } = await setup({ refreshIntervalMs: 5 })
    await watcher.start()
    source.set('hourly', T0 + HOUR)
    await logged.until(() => lines.some((l) => l.includes('dropped realtime windows')), 'a drop from the periodic refresh')
    expect(await windows()).toEqual([HOUR, 2 * HOUR, 3 * HOUR])
    await watcher.stop()
    const reads = source.reads
    await new Promise((r) => setTimeout(r, 30))
    expect(source.reads).toBe(reads)
  })
})
