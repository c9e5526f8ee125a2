import { describe, expect, it } from 'vitest'
import { decodeSqlCheckpoint, encodeSqlCheckpoint } from './sql-checkpoint.ts'

describe('sql checkpoints', () => {
  it('round-trips the cursor values and the snapshot', () => {
    const c = { columns: ['updated_at', 'id'], after: ['2026-01-15T10:05:00.123456Z', '42'], snapshot: '812:815:813', rows: 12000 }
    const text = encodeSqlCheckpoint(c)
    expect(JSON.parse(text)).toEqual({ v: 1, ...c })
    expect(decodeSqlCheckpoint(text, ['updated_at', 'id'], 's')).toEqual(c)
    expect(decodeSqlCheckpoint(encodeSqlCheckpoint({ columns: ['id'], after: null, snapshot: null, rows: null }), ['id'], 's')).toEqual({
      columns: ['id'],
      after: null,
      snapshot: null,
      rows: null,
    })
    // A checkpoint written before the count of rows behind the cursor was kept: not known.
    expect(decodeSqlCheckpoint('{"v":1,"columns":["id"],"after":["42"]}', ['id'], 's').rows).toBeNull()
  })

  it('refuses a checkpoint of another cursor or of another kind of source, saying what to do', () => {
    const text = encodeSqlCheckpoint({ columns: ['id'], after: ['42'], snapshot: null, rows: 42 })
    expect(() => decodeSqlCheckpoint(text, ['updated_at', 'id'], 'orders-db')).toThrow(
      'source "orders-db": its checkpoint is for the cursor (id), the options say (updated_at, id). Restore the cursor options, or give the source a new name',
    )
    expect(() => decodeSqlCheckpoint('2500', ['id'], 'orders-db')).toThrow('its checkpoint in the log is not a sql source\'s ("2500")')
    expect(() => decodeSqlCheckpoint('{"v":1,"columns":["id"],"after":[42]}', ['id'], 'x')).toThrow('not a sql source')
    expect(() => decodeSqlCheckpoint('{"v":1,"columns":["id"],"after":["42"],"rows":-1}', ['id'], 'x')).toThrow('not a sql source')
  })
})
