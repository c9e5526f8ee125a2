import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { parsePgSnapshot, pgInvisibleSql, pgVisible } from './pg-snapshot.ts'

describe('PostgreSQL snapshots', () => {
  it('parses pg_current_snapshot() text', () => {
    expect(parsePgSnapshot('812:815:813')).toEqual({ xmin: 812n, xmax: 815n, xip: [813n] })
    expect(parsePgSnapshot('5:5:')).toEqual({ xmin: 5n, xmax: 5n, xip: [] })
    expect(parsePgSnapshot('4294967300:4294967310:4294967301,4294967305')).toEqual({ xmin: 4294967300n, xmax: 4294967310n, xip: [4294967301n, 4294967305n] })
    expect(parsePgSnapshot('nope')).toBeNull()
  })

  it('sees what finished before the snapshot, not what ran or came after, across the 32-bit wrap', () => {
    const s = { xmin: 100n, xmax: 110n, xip: [100n, 104n] }
    expect([99n, 100n, 101n, 104n, 109n, 110n, 200n, 2n].map((x) => pgVisible(x, s))).toEqual([true, false, true, false, true, false, false, true])
    // 64-bit ids past the wrap: a row's xmin is their low 32 bits.
    const wrapped = { xmin: 2n ** 32n + 5n, xmax: 2n ** 32n + 9n, xip: [2n ** 32n + 5n, 2n ** 32n + 7n] }
    expect([4n, 5n, 6n, 7n, 9n, 2n ** 32n - 10n].map((x) => pgVisible(x, wrapped))).toEqual([true, false, true, false, false, true])
  })

  it('the SQL states the same rule as pgVisible (evaluated here with the same arithmetic)', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 3n, max: 2n ** 40n }),
        fc.integer({ min: 0, max: 50 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 5 }),
        fc.integer({ min: -60, max: 60 }),
        (xmin, span, ips, delta) => {
          const xmax = xmin + BigInt(span)
          const xip = [...new Set(ips.filter((i) => BigInt(i) < BigInt(span)).map((i) => xmin + BigInt(i)))]
          const snapshot = { xmin, xmax, xip }
          const xid = (((xmin + BigInt(delta)) % 2n ** 32n) + 2n ** 32n) % 2n ** 32n
          // Evaluate the SQL expression as PostgreSQL would for this xmin: the operators used are + - % >= < IN AND OR NOT.
          const expr = pgInvisibleSql(snapshot, 'X')
            .replaceAll('(X::text::bigint)', `${xid}n`)
            .replace(/(\d+)(?![n\d])/g, '$1n')
            .replaceAll(' IN (', ' in_(')
            .replaceAll('NOT', '!')
            .replaceAll('OR', '||')
            .replaceAll('AND', '&&')
            .replaceAll('false', 'false')
          const in_ = (x: bigint, ...list: bigint[]) => list.includes(x)
          const invisible = new Function('in_', `return ${expr.replace(/(\d+n) in_\(([^)]*)\)/g, 'in_($1, $2)')}`)(in_) as boolean
          expect(invisible).toBe(!pgVisible(xid, snapshot))
        },
      ),
    )
  })
})
