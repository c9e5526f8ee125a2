import { afterEach, describe, expect, it, vi } from 'vitest'
import { createJsonLogger } from '@twinflow/core'
import { OffsetCommitter, type PartitionOffset } from './offset-committer.ts'

/** A commit function whose requests are answered by the test, in order. */
function broker() {
  const requests: { offsets: PartitionOffset[]; answer: (error?: Error) => void }[] = []
  const commit = (offsets: PartitionOffset[]) => new Promise<void>((resolve, reject) => requests.push({ offsets, answer: (error) => (error ? reject(error) : resolve()) }))
  return { requests, commit }
}

const tick = () => new Promise((resolve) => setImmediate(resolve))

describe('OffsetCommitter', () => {
  it('sends one commit at a time; offsets noted meanwhile go together in the next, newest per partition', async () => {
    const lines: string[] = []
    const { requests, commit } = broker()
    const committer = new OffsetCommitter(commit, () => true, createJsonLogger({ level: 'warn', write: (l) => lines.push(l) }))
    committer.handled('t', 0, 10)
    expect(requests.map((r) => r.offsets)).toEqual([[{ topic: 't', partition: 0, offset: '10' }]])
    committer.handled('t', 0, 20)
    committer.handled('t', 1, 5)
    committer.handled('t', 0, 30)
    await tick()
    expect(requests).toHaveLength(1)
    requests[0]!.answer()
    await tick()
    expect(requests.map((r) => r.offsets)).toEqual([
      [{ topic: 't', partition: 0, offset: '10' }],
      [
        { topic: 't', partition: 0, offset: '30' },
        { topic: 't', partition: 1, offset: '5' },
      ],
    ])
    const flushed = committer.flush()
    requests[1]!.answer()
    await flushed
    expect(requests).toHaveLength(2)
    expect(lines).toEqual([])
  })

  it('drops the offsets of partitions the member no longer owns', async () => {
    const { requests, commit } = broker()
    const committer = new OffsetCommitter(commit, (_, partition) => partition !== 1, createJsonLogger({ level: 'error' }))
    committer.handled('t', 1, 7)
    committer.handled('t', 2, 8)
    await tick()
    expect(requests.map((r) => r.offsets)).toEqual([[{ topic: 't', partition: 2, offset: '8' }]])
    requests[0]!.answer()
    await committer.flush()
  })

  afterEach(() => {
    vi.useRealTimers()
  })

  it('logs a failed commit and sends its offsets with the next commit or flush, unless newer ones replaced them', async () => {
    const lines: string[] = []
    const { requests, commit } = broker()
    // No retry within the test (the backoff is tested below).
    const committer = new OffsetCommitter(commit, () => true, createJsonLogger({ level: 'warn', write: (l) => lines.push(l) }), { retryMs: 3_600_000 })
    const byPartition = (offsets: PartitionOffset[]) => [...offsets].sort((a, b) => a.partition - b.partition)
    committer.handled('t', 0, 10)
    committer.handled('t', 1, 3)
    await tick()
    requests[0]!.answer(new Error('coordinator moved'))
    await tick()
    expect(lines.join('\n')).toMatch(/committing offsets failed/)
    // The kept offsets go with the next commit (before the backoff ends).
    expect(requests).toHaveLength(1)
    committer.handled('t', 0, 12)
    await tick()
    expect(requests[0]!.offsets).toEqual([{ topic: 't', partition: 0, offset: '10' }])
    expect(byPartition(requests[1]!.offsets)).toEqual([
      { topic: 't', partition: 0, offset: '12' },
      { topic: 't', partition: 1, offset: '3' },
    ])
    requests[1]!.answer(new Error('still moving'))
    await tick()
    // A flush (a member that stops) sends them once more.
    const flushed = committer.flush()
    await tick()
    expect(requests).toHaveLength(3)
    expect(byPartition(requests[2]!.offsets)).toEqual(byPartition(requests[1]!.offsets))
    requests[2]!.answer()
    await flushed
    expect(requests).toHaveLength(3)
    committer.close()
  })

  it('retries a failed commit after a backoff that doubles, with no new batch; a success resets it; close stops it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    const { requests, commit } = broker()
    const committer = new OffsetCommitter(commit, () => true, createJsonLogger({ level: 'error' }), { retryMs: 100, maxRetryMs: 300 })
    const last = [{ topic: 't', partition: 0, offset: '10' }]
    committer.handled('t', 0, 10)
    const fail = async (i: number) => {
      requests[i]!.answer(new Error('The coordinator is not aware of this member'))
      await tick()
    }
    // Waits of 100, 200, then 300 ms (the cap) before each retry, none sooner.
    for (const [i, wait] of [100, 200, 300, 300].entries()) {
      await fail(i)
      await vi.advanceTimersByTimeAsync(wait - 1)
      expect(requests).toHaveLength(i + 1)
      await vi.advanceTimersByTimeAsync(1)
      expect(requests).toHaveLength(i + 2)
      expect(requests[i + 1]!.offsets).toEqual(last)
    }
    requests[4]!.answer()
    await tick()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(requests).toHaveLength(5)
    // After a success the first wait is 100 ms again; close() ends the retries.
    committer.handled('t', 0, 20)
    await fail(5)
    await vi.advanceTimersByTimeAsync(100)
    expect(requests).toHaveLength(7)
    await fail(6)
    committer.close()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(requests).toHaveLength(7)
  })
})
