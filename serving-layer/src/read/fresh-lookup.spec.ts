import { describe, expect, it } from 'vitest'
import { FreshLookup } from './fresh-lookup'

/** A source whose reads the test resolves by hand; each read returns the value current when it STARTED. */
function source(readsInFlight?: number) {
  let value = 0
  const started: { key: string; resolve: () => void }[] = []
  const lookup = new FreshLookup<number>(
    (key) =>
      new Promise<number>((resolve) => {
        const seen = value
        started.push({ key, resolve: () => resolve(seen) })
      }),
    readsInFlight,
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

  it('never answers from a read that started before the call; with one read in flight, callers during it share the next one', async () => {
    const s = source(1)
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

  it('gives callers reads of their own while fewer than the bound run; at the bound they share the next, started when any read ends', async () => {
    const s = source(2)
    const first = s.lookup.get('k')
    s.set(1)
    const second = s.lookup.get('k')
    expect(s.started).toHaveLength(2) // below the bound: its own read, at once
    s.set(2)
    const third = s.lookup.get('k')
    const fourth = s.lookup.get('k')
    expect(s.started).toHaveLength(2) // at the bound: the third and fourth wait for a read to end
    s.set(3) // after the third and fourth called: their read may see it, never less than 2
    s.started[1]!.resolve() // the second ends first
    expect(await second).toBe(1)
    await tick()
    expect(s.started).toHaveLength(3)
    const fifth = s.lookup.get('k') // the shared read runs: the bound is reached again
    expect(s.started).toHaveLength(3)
    s.started[2]!.resolve()
    expect(await third).toBe(3)
    expect(await fourth).toBe(3)
    await tick()
    expect(s.started).toHaveLength(4)
    s.started[3]!.resolve()
    s.started[0]!.resolve()
    expect(await first).toBe(0)
    expect(await fifth).toBe(3)
    // Nothing in flight any more: a caller reads at once again.
    void s.lookup.get('k')
    expect(s.started).toHaveLength(5)
  })

  it('rejects a bound that is not a positive integer', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new FreshLookup(async () => 0, bad)).toThrow(/readsInFlight must be an integer of at least 1/)
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
