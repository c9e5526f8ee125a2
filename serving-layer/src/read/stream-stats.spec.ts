import { describe, expect, it } from 'vitest'
import type { EventLog, RealtimeStore } from '@twinflow/core'
import { StreamStats } from './stream-stats.ts'

function setup() {
  let now = 1_000_000
  let ends = new Map([
    [0, 10],
    [1, 4],
  ])
  const log = { endOffsets: async () => ends } as unknown as EventLog
  const realtime = { progress: async () => new Map([[0, 6]]) } as unknown as RealtimeStore
  const stats = new StreamStats({ log, realtime, clock: { now: () => now, sleep: async () => {} }, speedGroupId: 'speed' })
  return {
    stats,
    advance: (ms: number, next: Map<number, number>) => {
      now += ms
      ends = next
    },
  }
}

describe('StreamStats', () => {
  it("gives the speed layer's lag per partition: end offset, last applied offset, records pending", async () => {
    const { stats } = setup()
    expect(await stats.partitions('t')).toEqual([
      { partition: 0, endOffset: 10, appliedOffset: 6, pending: 3 },
      { partition: 1, endOffset: 4, appliedOffset: null, pending: 4 },
    ])
  })

  it('gives the rate of appends over the last minute of samples, none before two samples a second apart', async () => {
    const { stats, advance } = setup()
    expect(await stats.rate('t')).toBeNull()
    advance(500, new Map([[0, 20]]))
    expect(await stats.rate('t')).toBeNull()
    advance(1_500, new Map([[0, 34]]))
    expect(await stats.rate('t')).toBe(10)
    // Samples older than a minute are dropped (but the newest of them, the start of the window).
    advance(120_000, new Map([[0, 154]]))
    expect(await stats.rate('t')).toBe(1)
    advance(30_000, new Map([[0, 184]]))
    expect(await stats.rate('t')).toBe(1)
  })
})
