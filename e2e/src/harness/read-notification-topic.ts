import { Kafka, logLevel } from 'kafkajs'
import { decodeNotification, type Notification } from '@twinflow/core'

/** A notification as the Kafka channel wrote it: the message's key and headers with it. */
export interface NotificationMessage {
  notification: Notification
  key: string | null
  headers: Record<string, string>
  partition: number
}

/**
 * Every message of a Kafka channel's topic, oldest first per partition, read with a plain kafkajs
 * consumer (a group of its own, from the beginning, up to the end offsets at the call), its value
 * decoded as a notification (`decodeNotification`).
 */
export async function readNotificationTopic(brokers: string[], topic: string): Promise<NotificationMessage[]> {
  const kafka = new Kafka({ clientId: 'twinflow-e2e-notifications', brokers, logLevel: logLevel.NOTHING })
  const admin = kafka.admin()
  await admin.connect()
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect())
  const wanted = new Map(ends.map((p) => [p.partition, Number(p.high)]))
  const read: (NotificationMessage & { offset: number })[] = []
  if ([...wanted.values()].every((end) => end === 0)) return []
  const consumer = kafka.consumer({ groupId: `e2e-notifications-${process.pid}-${Date.now().toString(36)}`, sessionTimeout: 6000, heartbeatInterval: 500, maxWaitTimeInMs: 200 })
  await consumer.connect()
  try {
    await consumer.subscribe({ topic, fromBeginning: true })
    await new Promise<void>((done, fail) => {
      const seen = new Map<number, number>()
      const caughtUp = () => [...wanted].every(([p, end]) => (seen.get(p) ?? 0) >= end)
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]))
            read.push({
              notification: decodeNotification(JSON.parse(message.value!.toString('utf8'))),
              key: message.key?.toString() ?? null,
              headers,
              partition,
              offset: Number(message.offset),
            })
            seen.set(partition, Number(message.offset) + 1)
            if (caughtUp()) done()
          },
        })
        .catch(fail)
    })
  } finally {
    await consumer.disconnect()
  }
  return read.sort((a, b) => a.partition - b.partition || a.offset - b.offset).map(({ offset: _, ...m }) => m)
}
