import { CompressionTypes, type Kafka } from 'kafkajs'
import { purchases } from './purchases.ts'
import { generatePurchases, purchaseMessages } from './generate-purchases.ts'

/**
 * Fills the purchases topic with `count` events, as a live stream of `eventsPerSecond` ending now
 * would have them (ordered event times). Sent in chunks by a plain kafkajs producer; returns the
 * bytes written.
 */
export async function producePurchases(kafka: Kafka, count: number, options: { seed: number; eventsPerSecond?: number; end?: number }): Promise<number> {
  const end = options.end ?? Date.now()
  const span = Math.ceil((count / (options.eventsPerSecond ?? 10_000)) * 1000)
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  await producer.connect()
  let bytes = 0
  try {
    // One record batch per partition must stay under the broker's message.max.bytes (1 MB).
    const chunk = 8_000
    for (let i = 0; i < count; i += chunk) {
      const n = Math.min(chunk, count - i)
      const from = end - span + Math.floor((i * span) / count)
      const to = end - span + Math.floor(((i + n) * span) / count)
      const messages = purchaseMessages(generatePurchases(n, { seed: options.seed * 1_000_003 + i, from, to }))
      for (const m of messages) bytes += m.value.length
      await producer.send({ topic: purchases.topic, messages, compression: CompressionTypes.None })
    }
  } finally {
    await producer.disconnect()
  }
  return bytes
}
