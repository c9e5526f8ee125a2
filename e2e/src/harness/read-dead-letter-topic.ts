import { Kafka, logLevel } from 'kafkajs'
import type { DeadLetter } from '@twinflow/core'

/**
 * Every letter of a Kafka dead-letter topic, oldest first, read with a plain kafkajs consumer (a
 * group of its own, from the beginning, up to the end offsets at the call), decoded from the
 * `twinflow-*` headers the Kafka dead-letter queue writes.
 */
export async function readDeadLetterTopic(brokers: string[], topic: string): Promise<DeadLetter[]> {
  const kafka = new Kafka({ clientId: 'twinflow-e2e-dead-letters', brokers, logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect())
  const wanted = new Map(ends.map((p) => [p.partition, Number(p.high)]))
  const letters: { partition: number; offset: number; letter: DeadLetter }[] = []
  if ([...wanted.values()].every((end) => end === 0)) return []
  const consumer = kafka.consumer({ groupId: `e2e-dead-letters-${process.pid}-${Date.now().toString(36)}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 })
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await new Promise<void>((done, fail) => {
      const seen = new Map<number, number>()
      const caughtUp = () => [...wanted].every(([p, end]) => (seen.get(p) ?? 0) >= end)
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const header = (name: string) => message.headers?.[`twinflow-${name}`]?.toString()
            const position = header('topic') === undefined ? {} : { topic: header('topic'), partition: Number(header('partition')), offset: Number(header('offset')) }
            const letter: DeadLetter = {
              stream: header('stream') ?? '',
              stage: header('stage') ?? '',
              reason: header('reason') ?? '',
              payload: message.value ?? Buffer.alloc(0),
              at: Number(header('at')),
              ...position,
            }
            letters.push({ partition, offset: Number(message.offset), letter })
            seen.set(partition, Number(message.offset) + 1)
            if (caughtUp()) done()
          },
        })
        .catch(fail)
    })
  } finally {
    await consumer.disconnect()
  }
  return letters.sort((a, b) => a.partition - b.partition || a.offset - b.offset).map((l) => l.letter)
}
