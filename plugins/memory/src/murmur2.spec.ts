import { describe, expect, it } from 'vitest'
import { murmur2, partitionForKey } from './murmur2.ts'

describe('murmur2', () => {
  it("matches Kafka's Java implementation (Utils.murmur2) on every tail length", () => {
    // Values computed by Kafka's Java client, as published by kafkajs, librdkafka and Akka's tests.
    const expected: Record<string, number> = {
      '0': 971027396,
      '1': -1993445489,
      '12': 126087238,
      '123': -267702483,
      '1234': -1614185708,
      '12345': -1188365604,
      '128': -326012175,
      '2187': -1508407203,
      '16384': -325739742,
      kafka: -798503068,
    }
    for (const [key, hash] of Object.entries(expected)) expect(murmur2(key), key).toBe(hash)
    expect(murmur2(Buffer.from('1'))).toBe(-1993445489)
  })

  it('maps keys to a partition in range, stably', () => {
    for (const key of ['a', 'shop-1', 'ü', '']) {
      const p = partitionForKey(key, 7)
      expect(p).toBeGreaterThanOrEqual(0)
      expect(p).toBeLessThan(7)
      expect(partitionForKey(key, 7)).toBe(p)
    }
    // toPositive(-1993445489) % 3 === 2 in Kafka
    expect(partitionForKey('1', 3)).toBe((-1993445489 & 0x7fffffff) % 3)
  })
})
