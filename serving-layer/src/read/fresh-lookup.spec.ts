import { describe, expect, it } from 'vitest'
import { FreshLookup } from './fresh-lookup.ts'

/** A source whose reads the test resolves by hand; each read returns the value current when it STARTED. */
function source() {
  let value = 0
  const started: { key: string; resolve: () => void }[] = []
  const lookup = new FreshLookup<number>(
    (key) =>
      new Promise<number>((resolve) => {
        const seen = value
        started.push({ key, resolve: () => resolve(seen) })
      }),
  )
  return { lookup, started, set: (v: number) => (value = v) }
}

const tick = () => new Promise((r) => setImmediate(r))

describe('FreshLookup', () => {
  it('answers a lone caller from its own read at once', async () => {
    const s = source()
    const a = s.lookup.get('k')
    expect(s.started).toHaveLength(1)
    s.started[0]!.resolve()
    expect(await a).toBe(0)
  })

  it('never answers from a read that started before the call; callers during a read share the next one', async () => {
    const s = source()
    const first = s.lookup.get('k')
    s.set(1) // changes after the first read started: callers from now on must see it
    const second = s.lookup.get('k')
    const third = s.lookup.get('k')
    expect(s.started).toHaveLength(1) // one read in flight per key
    s.started[0]!.resolve()
    expect(await first).toBe(0)
    await tick()
    expect(s.started).toHaveLength(2) // the shared next read started when the first ended
    s.started[1]!.resolve()
    expect(await second).toBe(1)
    expect(await third).toBe(1)
  })

  it('keeps keys apart and passes failures to every caller of the failed read', async () => {
    const failing = new FreshLookup<number>(async (key) => {
      if (key === 'bad') throw new Error('down')
      return 7
    })
    await expect(failing.get('bad')).rejects.toThrow('down')
    expect(await failing.get('good')).toBe(7)
    // After a failure, the next call reads again.
    await expect(failing.get('bad')).rejects.toThrow('down')
  })
})
