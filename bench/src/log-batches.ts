import type { LogBatch } from '@twinflow/core'
import { PARTITIONS } from './bench-services.ts'
import { purchases } from './purchases.ts'

/**
 * The log batches a consumer of the purchases topic would get, built in memory: messages spread
 * over the partitions round-robin, each partition's records numbered from offset 0 and cut into
 * batches of `size`. One array of batches per partition, in offset order.
 */
export function logBatches(messages: readonly { key: string; value: Buffer }[], size: number, timestamp: number): LogBatch[][] {
  return Array.from({ length: PARTITIONS }, (_, p) => {
    const records = messages.filter((_, i) => i % PARTITIONS === p).map((m, offset) => ({ offset, key: m.key, value: m.value, timestamp, headers: {} }))
    const batches: LogBatch[] = []
    for (let i = 0; i < records.length; i += size) {
      const part = records.slice(i, i + size)
      batches.push({ topic: purchases.topic, partition: p, records: part, firstOffset: part[0]!.offset, lastOffset: part[part.length - 1]!.offset, highWatermark: records.length })
    }
    return batches
  })
}
