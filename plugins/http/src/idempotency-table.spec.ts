import { describe, expect, it } from 'vitest'
import { IdempotencyTable, type KeyRecord } from './idempotency-table.ts'

const record = (id: string, at: number, extra: Partial<KeyRecord> = {}): KeyRecord => ({
  id,
  body: `body-${id}`,
  at,
  done: 3,
  total: 3,
  accepted: 2,
  rejected: [{ line: 2, reason: 'schema: field "x" is missing' }],
  rejectedCount: 1,
  ...extra,
})

describe('IdempotencyTable', () => {
  const window = { windowMs: 60_000, maxKeys: 3 }

  it('gives the checkpoint of a batch without changing the table, and restores what it saved', () => {
    const table = new IdempotencyTable(window)
    const checkpoint = table.checkpoint([record('a', 1000), record('b', 2000, { rejected: [{ line: 1, index: 0, reason: 'json: invalid' }] })], 2000)
    expect(table.get('a', 2000)).toBeUndefined()
    table.apply([record('a', 1000), record('b', 2000, { rejected: [{ line: 1, index: 0, reason: 'json: invalid' }] })], 2000)
    expect(table.checkpoint([], 2000)).toBe(checkpoint)
    const { table: restored, problem } = IdempotencyTable.restore(checkpoint, window)
    expect(problem).toBeNull()
    expect(restored.get('a', 2000)).toEqual(record('a', 1000))
    expect(restored.get('b', 2000)?.rejected).toEqual([{ line: 1, index: 0, reason: 'json: invalid' }])
  })

  it('forgets keys older than the window and past the newest maxKeys', () => {
    const table = new IdempotencyTable(window)
    table.apply([record('a', 0), record('b', 10_000), record('c', 20_000)], 20_000)
    expect(table.get('a', 60_000)).toBeDefined()
    expect(table.get('a', 60_001)).toBeUndefined() // past the window: not answered, even before it is pruned
    table.apply([record('d', 30_000)], 30_000)
    expect(table.size).toBe(3)
    expect(table.get('a', 30_000)).toBeUndefined() // the oldest, past maxKeys
    table.apply([], 71_000)
    expect([table.get('b', 71_000), table.get('c', 71_000)?.id]).toEqual([undefined, 'c'])
  })

  it('updates a record in place as more of its request is in the log', () => {
    const table = new IdempotencyTable(window)
    table.apply([record('a', 0, { done: 1, total: 3, accepted: 1, rejected: [], rejectedCount: 0 })], 0)
    table.apply([record('a', 0, { done: 3, total: 3 })], 0)
    expect(table.size).toBe(1)
    expect(table.get('a', 0)?.done).toBe(3)
  })

  it('remembers 20 rejections of a request and their count, reasons cut', () => {
    const table = new IdempotencyTable(window)
    const rejected = Array.from({ length: 50 }, (_, i) => ({ line: i + 1, reason: `mapping: ${'x'.repeat(1000)}` }))
    table.apply([record('a', 0, { rejected, rejectedCount: 50 })], 0)
    const kept = table.get('a', 0)!
    expect(kept.rejected).toHaveLength(20)
    expect(kept.rejectedCount).toBe(50)
    expect(kept.rejected[0]!.reason.length).toBe(300)
  })

  it('starts empty, saying why, from a checkpoint it cannot read', () => {
    expect(IdempotencyTable.restore('{"v":2}', window).problem).toMatch(/not one of this version/)
    expect(IdempotencyTable.restore('nope', window).problem).toMatch(/not JSON/)
    expect(IdempotencyTable.restore(null, window)).toMatchObject({ problem: null })
  })
})
