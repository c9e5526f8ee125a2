import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { parseKafkaDeadLetterQueueOptions } from './kafka-dead-letter-queue-options.ts'
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
  it('rejects bad options with a config error that names them and says what to fix', () => {
    for (const [raw, message] of [
      [{}, 'brokers: missing; must be a non-empty list of "host:port"'],
      [{ brokers: [] }, 'brokers: must be a non-empty list of "host:port", got []'],
      [{ brokers: ['kafka'] }, 'brokers.0: must be "host:port", got "kafka"'],
      [{ brokers: ['kafka:9092'], maxWaitTimeMs: 0 }, 'maxWaitTimeMs: must be an integer >= 1, got 0'],
      [{ brokers: ['kafka:9092'], sessionTimeoutMs: 6000, heartbeatIntervalMs: 3000 }, 'heartbeatIntervalMs: must be at most a third of sessionTimeoutMs (6000), got 3000'],
      [{ brokers: ['kafka:9092'], ssl: 'yes' }, 'ssl: must be true or false, got "yes"'],
      [
        { brokers: ['kafka:9092'], sasl: { mechanism: 'md5', username: 'u', password: 'p' } },
        'sasl.mechanism: must be one of "plain", "scram-sha-256", "scram-sha-512", got "md5"',
      ],
      [{ brokers: ['kafka:9092'], sasl: { mechanism: 'plain', username: 'u', password: 12345 } }, 'sasl.password: must be a string'],
      [{ brokers: ['kafka:9092'], nope: 1 }, 'unknown option "nope"; known options: brokers, clientId'],
      [{ brokers: ['kafka:9092'], topic: 'dead' }, 'unknown option "topic"'],
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
      expect((error as Error).message).toContain(message)
      expect((error as Error).message).not.toContain('12345')
    }
  })
})

describe('parseKafkaDeadLetterQueueOptions', () => {
  it('takes the event log options and the topic of the letters', () => {
    expect(parseKafkaDeadLetterQueueOptions({ brokers: ['kafka:9092'] })).toMatchObject({ brokers: ['kafka:9092'], clientId: 'twinflow', topic: 'twinflow.dead-letters' })
    expect(parseKafkaDeadLetterQueueOptions({ brokers: ['kafka:9092'], topic: 'dead.letters' }).topic).toBe('dead.letters')
    expect(() => parseKafkaDeadLetterQueueOptions({ brokers: ['kafka:9092'], topic: 'dead letters' })).toThrow('topic: must be a Kafka topic name')
    expect(() => parseKafkaDeadLetterQueueOptions({ brokers: ['kafka:9092'], sessionTimeoutMs: 6000, heartbeatIntervalMs: 3000 })).toThrow(
      'heartbeatIntervalMs: must be at most a third',
    )
  })
})
