import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { parseKafkaOptions } from './kafka-options.ts'

describe('parseKafkaOptions', () => {
  it('fills in the defaults', () => {
    const o = parseKafkaOptions({ brokers: ['kafka:9092'] })
    expect([o.clientId, o.sessionTimeoutMs, o.heartbeatIntervalMs, o.maxWaitTimeMs, o.replicationFactor]).toEqual(['twinflow', 30_000, 3_000, 5_000, 1])
  })
  it('takes a shorter fetch wait and session timeout (tests, fast failover)', () => {
    const o = parseKafkaOptions({ brokers: ['localhost:1'], sessionTimeoutMs: 6000, heartbeatIntervalMs: 1000, maxWaitTimeMs: 500 })
    expect([o.sessionTimeoutMs, o.heartbeatIntervalMs, o.maxWaitTimeMs]).toEqual([6000, 1000, 500])
  })
  it('rejects bad options with a config error that names them', () => {
    for (const [raw, what] of [
      [{ brokers: [] }, 'brokers'],
      [{ brokers: ['kafka'] }, 'brokers'],
      [{ brokers: ['kafka:9092'], maxWaitTimeMs: 0 }, 'maxWaitTimeMs'],
      [{ brokers: ['kafka:9092'], sessionTimeoutMs: 6000, heartbeatIntervalMs: 3000 }, 'heartbeatIntervalMs'],
      [{ brokers: ['kafka:9092'], nope: 1 }, 'nope'],
    ] as const) {
      const error = (() => {
        try {
          parseKafkaOptions(raw)
          return null
        } catch (e) {
          return e
        }
      })()
      expect(TwinflowError.is(error, 'config'), JSON.stringify(raw)).toBe(true)
      expect((error as Error).message).toContain(what)
    }
  })
})
