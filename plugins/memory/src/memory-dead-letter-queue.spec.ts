import { createJsonLogger, TwinflowError, type DeadLetter } from '@twinflow/core'
import { deadLetterQueueConformance } from '@twinflow/testing/conformance'
import { describe, expect, it } from 'vitest'
import { MemoryDeadLetterQueue } from './memory-dead-letter-queue.ts'
import { memoryDeadLetterQueuePlugin } from './memory-dead-letter-queue-plugin.ts'

const letter = (stream: string, stage: string, n: number): DeadLetter => ({
  stream,
  stage,
  reason: `schema: bad ${n}`,
  payload: Buffer.from(`p${n}`),
  topic: 't',
  partition: 0,
  offset: n,
  at: n,
})

describe('MemoryDeadLetterQueue', () => {
  it('keeps letters in order and counts them per stream and stage', async () => {
    const dlq = new MemoryDeadLetterQueue({}, { logger: createJsonLogger({ level: 'silent' }) })
    await dlq.connect()
    await dlq.write([letter('orders', 'speed', 1), letter('orders', 'archiver', 2)])
    await dlq.write([letter('orders', 'speed', 3)])
    expect(dlq.letters().map((l) => [l.reason, l.payload.toString()])).toEqual([
      ['schema: bad 1', 'p1'],
      ['schema: bad 2', 'p2'],
      ['schema: bad 3', 'p3'],
    ])
    expect(dlq.counts()).toEqual(
      new Map([
        ['orders/speed', 2],
        ['orders/archiver', 1],
      ]),
    )
  })

  it('keeps the newest maxLetters letters, warning once, while counts stay exact', async () => {
    const lines: string[] = []
    const dlq = new MemoryDeadLetterQueue({ maxLetters: 2 }, { logger: createJsonLogger({ write: (l) => lines.push(l) }) })
    await dlq.connect()
    for (let i = 0; i < 5; i++) await dlq.write([letter('s', 'speed', i)])
    expect(dlq.letters().map((l) => l.offset)).toEqual([3, 4])
    expect(dlq.counts().get('s/speed')).toBe(5)
    expect(lines.filter((l) => l.includes('dropping its oldest'))).toHaveLength(1)
  })

  it('does not let callers change what it keeps', async () => {
    const dlq = new MemoryDeadLetterQueue({}, { logger: createJsonLogger({ level: 'silent' }) })
    await dlq.connect()
    const written = letter('s', 'speed', 1)
    await dlq.write([written])
    written.payload.fill(0)
    dlq.letters()[0]!.payload.fill(0)
    expect(dlq.letters()[0]!.payload.toString()).toBe('p1')
  })

  it('rejects writes when not connected', async () => {
    const dlq = new MemoryDeadLetterQueue({}, { logger: createJsonLogger({ level: 'silent' }) })
    await expect(dlq.write([letter('s', 'speed', 1)])).rejects.toSatisfy((e) => TwinflowError.is(e, 'unavailable'))
  })

  it('validates its plugin options', () => {
    expect(memoryDeadLetterQueuePlugin.parseOptions({})).toEqual({ maxLetters: 10_000 })
    expect(() => memoryDeadLetterQueuePlugin.parseOptions({ maxLetters: 0 })).toThrow(/maxLetters: must be an integer >= 1, got 0/)
    expect(() => memoryDeadLetterQueuePlugin.parseOptions({ max: 1 })).toThrow(/unknown option "max"; known options: maxLetters/)
  })
})

// The memory queue keeps payloads cut (DEAD_LETTER_PAYLOAD_BYTES): read() is what it offers.
deadLetterQueueConformance('memory', () => new MemoryDeadLetterQueue({}, { logger: createJsonLogger({ level: 'silent' }) }))
