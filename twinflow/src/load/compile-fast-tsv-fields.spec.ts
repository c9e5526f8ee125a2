import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { compileFieldMapping, compileValueDecoder, defineStream, t } from '@twinflow/core'
import { masterTsv } from '@twinflow/batch-layer'
import { readings, readingsMapping as mapping } from '../testing/readings-stream.ts'
import { compileFastTsvFields } from './compile-fast-tsv-fields.ts'

const LOG_TIME = Date.UTC(2026, 5, 1)

/** The general path: the mapping, then the decoder; the row's fields as masterTsv writes them, or the reason. */
function general(value: Record<string, unknown>): string {
  const mapped = compileFieldMapping(readings, mapping)(value)
  if (!mapped.ok) return `rejected: ${mapped.reason}`
  const decoded = compileValueDecoder(readings)(mapped.event, LOG_TIME)
  if (!decoded.ok) return `rejected: ${decoded.reason}`
  const line = masterTsv.ofRecord(readings)({ partition: 0, offset: 0, event: decoded.event as Record<string, unknown> })
  return line.slice('0\t0\t\t'.length, -1)
}

const fast = compileFastTsvFields(readings, mapping, LOG_TIME)!

/** Texts near every boundary of the fast checks. */
const tricky = fc.oneof(
  fc.constantFrom('', ' ', '0', '-0', '00', '007', '+5', ' 5', '5 ', '-', '1e3', '1.5', '.5', '0.1', '1e+21', '-2.5', 'NaN', 'Infinity', '0x10', '9007199254740991'),
  fc.constantFrom('999999999999999', '1000000000000000', '253402300799999', '253402300800000', String(LOG_TIME + 3_600_000), String(LOG_TIME + 3_600_001)),
  fc.constantFrom('true', 'false', 'TRUE', '1', '0', ' true', 'yes', 'a', 'b', 'A', 'c'),
  fc.constantFrom('tab\there', 'line\nfeed', 'back\\slash', 'cr\r', 'ünïcødé', '✓✓✓', 'abcdefghi', '\ud800', '\\N', '2026-01-01T00:00:00Z'),
  fc.integer({ min: -1e6, max: LOG_TIME + 7_200_000 }).map(String),
  fc.double({ noNaN: true }).map(String),
  fc.string({ maxLength: 12 }),
)

/** Mostly a valid value of the field, else a tricky text: so that whole records often take the fast path. */
const field = (valid: fc.Arbitrary<string>) => fc.oneof({ arbitrary: valid, weight: 3 }, { arbitrary: tricky, weight: 1 })
const record = fc.record({
  reading_id: field(fc.string()),
  label: field(fc.string({ maxLength: 8 })),
  kind: field(fc.constantFrom('a', 'b')),
  count: field(fc.integer().map(String)),
  ratio: field(fc.double({ noNaN: true, noDefaultInfinity: true }).map(String)),
  on: field(fc.constantFrom('true', 'false', '1', '0')),
  note: field(fc.string()),
  level: field(fc.integer().map(String)),
  ts: field(fc.integer({ min: 0, max: LOG_TIME }).map(String)),
})

describe('compileFastTsvFields', () => {
  it('vouches only for records the general path accepts, and writes the same fields', () => {
    let vouched = 0
    fc.assert(
      fc.property(record, (value) => {
        const text = fast(value)
        if (text === null) return
        vouched++
        expect(text).toBe(general(value))
      }),
      { numRuns: 5000 },
    )
    // Enough records of the run took the fast path for the law to say something.
    expect(vouched).toBeGreaterThan(100)
  })

  it('vouches for canonical values of every kind', () => {
    const value = { reading_id: 'r-1', label: 'tab\there', kind: 'b', count: '-42', ratio: '0.25', on: 'true', note: 'ünïcødé', level: '7', ts: String(LOG_TIME - 1000) }
    expect(fast(value)).toBe(`r-1\ttab\\there\tb\t-42\t0.25\t1\tünïcødé\t7\t${LOG_TIME - 1000}`)
    expect(fast(value)).toBe(general(value))
  })

  it('leaves to the general path what needs converting or judging', () => {
    const good = { reading_id: 'r', label: 'l', kind: 'a', count: '1', ratio: '1', on: '0', note: 'n', level: '0', ts: '0' }
    expect(fast(good)).not.toBeNull()
    for (const [field, raw] of [
      ['count', ' 1'],
      ['count', '+1'],
      ['count', '-0'],
      ['ratio', '1.0'],
      ['on', 'TRUE'],
      ['kind', 'c'],
      ['label', 'abcdefghi'],
      ['ts', '2026-01-01T00:00:00Z'],
      ['ts', String(LOG_TIME + 3_600_001)],
      ['note', undefined],
      ['level', 'junk'],
    ] as const) {
      expect(fast({ ...good, [field]: raw }), `${field} = ${JSON.stringify(raw)}`).toBeNull()
    }
  })

  it('has no fast path for a mapping that sets values or reads formats', () => {
    expect(compileFastTsvFields(readings, { constants: { kind: 'a' } }, LOG_TIME)).toBeNull()
    expect(compileFastTsvFields(readings, { timestamps: { ts: 'epoch-s' } }, LOG_TIME)).toBeNull()
    expect(compileFastTsvFields(readings, { strict: true }, LOG_TIME)).toBeNull()
    expect(compileFastTsvFields(readings, { drop: ['note'] }, LOG_TIME)).toBeNull()
    expect(compileFastTsvFields(readings, { drop: ['other'] }, LOG_TIME)).not.toBeNull()
  })

  it('has no fast path for a stream with personal fields: they are masked on the general path', () => {
    const people = defineStream('people', { email: t.string().pii('hash'), ts: t.eventTime() })
    expect(compileFastTsvFields(people, {}, LOG_TIME)).toBeNull()
  })
})
