import { Kafka, logLevel } from 'kafkajs'
import { expect } from 'vitest'
import { eventually } from './eventually.ts'
import { ARCHIVER_GROUP, SPEED_GROUP, TOPICS } from './stack.ts'

/**
 * Lag of a consumer group: per topic, the sum over partitions of (end offset - committed offset).
 * A partition the group never committed counts from 0.
 */
export async function groupLag(brokers: string[], groupId: string, topics: string[]): Promise<Record<string, number>> {
  const admin = new Kafka({ clientId: 'twinflow-e2e-lag', brokers, logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    const lag: Record<string, number> = {}
    const committed = await admin.fetchOffsets({ groupId, topics })
    for (const { topic, partitions } of committed) {
      const ends = new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]))
      lag[topic] = partitions.reduce((sum, p) => sum + Math.max(0, (ends.get(p.partition) ?? 0) - Math.max(0, Number(p.offset))), 0)
    }
    return lag
  } finally {
    await admin.disconnect()
  }
}

export const totalLag = (lag: Record<string, number>) => Object.values(lag).reduce((a, b) => a + b, 0)

/**
 * Waits until the speed layer's and the archiver's consumer groups have no lag on the pipeline's
 * topics, then asserts it (the assertion shows the lag that remained at the timeout).
 */
export async function expectLagReturnsToZero(brokers: string[], timeoutMs: number): Promise<void> {
  const topics = Object.values(TOPICS)
  const lags = await eventually(
    async () => ({ speed: totalLag(await groupLag(brokers, SPEED_GROUP, topics)), archiver: totalLag(await groupLag(brokers, ARCHIVER_GROUP, topics)) }),
    (l) => l.speed === 0 && l.archiver === 0,
    timeoutMs,
  )
  expect(lags).toEqual({ speed: 0, archiver: 0 })
}
