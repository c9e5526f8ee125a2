import { describe, expect, it } from 'vitest'
import { defineStream, t } from '@twinflow/core'
import { escapeTsv, masterTsv } from './master-tsv.ts'

const s = defineStream('s', { name: t.string(), n: t.int64(), f: t.float64(), b: t.boolean(), note: t.string().optional(), ts: t.eventTime() })

describe('masterTsv', () => {
  it('names the system columns, then the fields in declaration order', () => {
    expect(masterTsv.columns(s)).toEqual(['_partition', '_offset', '_error', 'name', 'n', 'f', 'b', 'note', 'ts'])
  })

  it("writes an accepted record's values as ingest stores them: booleans as 0/1, null as \\N, strings escaped", () => {
    const line = masterTsv.ofRecord(s)({ partition: 3, offset: 7, event: { name: 'a\tb\\c\nd\re', n: -0, f: 1e21, b: true, note: null, ts: 5 } })
    expect(line).toBe('3\t7\t\ta\\tb\\\\c\\nd\\re\t0\t1e+21\t1\t\\N\t5\n')
  })

  it("writes a rejected record's reason and its fields' defaults", () => {
    expect(masterTsv.ofRecord(s)({ partition: 1, offset: 2, event: {}, error: 'schema: field "n"\tbad' })).toBe('1\t2\tschema: field "n"\\tbad\t\t0\t0\t0\t\t0\n')
  })

  it('refuses an accepted event without a declared field, as ingest does', () => {
    expect(() => masterTsv.ofRecord(s)({ partition: 1, offset: 2, event: { name: 'x' } })).toThrow('has no field "n"')
  })

  it('escapes only what TabSeparated needs', () => {
    expect(escapeTsv('plain ✓ "quoted", \'single\'')).toBe('plain ✓ "quoted", \'single\'')
    expect(escapeTsv('\\N')).toBe('\\\\N')
  })
})
