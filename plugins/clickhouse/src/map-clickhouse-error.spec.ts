import { describe, expect, it } from 'vitest'
import { ClickHouseError } from '@clickhouse/client'
import { mapClickHouseError } from './map-clickhouse-error.ts'

describe('mapClickHouseError', () => {
  it('classifies a rejected statement of a current server as internal, with its code', () => {
    const e = mapClickHouseError(new ClickHouseError({ message: 'Unknown identifier', code: '47', type: 'UNKNOWN_IDENTIFIER' }), 'SELECT nope')
    expect([e.kind, e.retriable, e.context.clickhouseCode, e.context.sql]).toEqual(['internal', false, 47, 'SELECT nope'])
  })
  it('reads the code of an 18.16 error from its message', () => {
    const e = mapClickHouseError(new Error('Code: 47, e.displayText() = DB::Exception: Unknown identifier: nope, e.what() = DB::Exception'), 'q')
    expect([e.kind, e.context.clickhouseCode]).toEqual(['internal', 47])
  })
  it('treats transient codes and connection failures as retriable', () => {
    expect(mapClickHouseError(new Error('Code: 159, e.displayText() = DB::Exception: Timeout exceeded'), 'q').retriable).toBe(true)
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8123'), { code: 'ECONNREFUSED' })
    expect(mapClickHouseError(refused, 'q').kind).toBe('unavailable')
  })
})
