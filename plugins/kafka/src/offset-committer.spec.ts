import { describe, expect, it } from 'vitest'
import { createJsonLogger } from '@twinflow/core'
import { OffsetCommitter, type PartitionOffset } from './offset-committer'

/** A commit function whose requests are answered by the test, in order. */
function broker() {
  const requests: { offsets: PartitionOffset[]; answer: (error?: Error) => void }[] = []
  const commit = (offsets: PartitionOffset[]) =>
    new Promise<void>((resolve, reject) => requests.push({ offsets, answer: (error) => (error ? reject(error) : resolve()) }))
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

  it('logs a failed commit and sends its offsets with the next one, unless newer ones replaced them', async () => {
    const lines: string[] = []
    const { requests, commit } = broker()
    const committer = new OffsetCommitter(commit, () => true, createJsonLogger({ level: 'warn', write: (l) => lines.push(l) }))
    committer.handled('t', 0, 10)
    committer.handled('t', 1, 3)
    await tick()
    const flushed = committer.flush()
    requests[0]!.answer(new Error('coordinator moved'))
    await flushed
    expect(lines.join('\n')).toMatch(/committing offsets failed/)
    expect(requests).toHaveLength(1)
    committer.handled('t', 0, 12)
    await tick()
    expect(requests[0]!.offsets).toEqual([{ topic: 't', partition: 0, offset: '10' }])
    expect([...requests[1]!.offsets].sort((a, b) => a.partition - b.partition)).toEqual([
      { topic: 't', partition: 0, offset: '12' },
      { topic: 't', partition: 1, offset: '3' },
    ])
    requests[1]!.answer()
    await committer.flush()
  })
})
