import { describe, expect, it } from 'vitest'
import { and, defineStream, exprRow, lit, or, t, type ExprNode } from '@twinflow/core'
import { compileExprSql } from './compile-expr-sql.ts'

const s = defineStream('s', { name: t.string(), n: t.int64(), f: t.float64(), b: t.boolean(), ts: t.eventTime(), from: t.string() })
const e = exprRow(s.fields)

describe('compileExprSql', () => {
  it('quotes fields, parenthesizes every operation and writes booleans as 1/0', () => {
    expect(compileExprSql(e.name.eq("o'k").node)).toBe("(`name` = 'o\\'k')")
    expect(compileExprSql(e.n.add(1).mul(e.f).div(2).node)).toBe('(((`n` + 1) * `f`) / 2)')
    expect(compileExprSql(e.n.sub(-1).node)).toBe('(`n` - (-1))')
    expect(compileExprSql(e.b.eq(false).node)).toBe('(`b` = 0)')
    expect(compileExprSql(e.b.not().node)).toBe('(NOT `b`)')
    expect(compileExprSql(e.from.ne('x').node)).toBe("(`from` != 'x')")
    expect(compileExprSql(e.f.ge(0.5).or(e.n.lt(3), e.ts.le(1_700_000_000_000)).node)).toBe('((`f` >= 0.5) OR (`n` < 3) OR (`ts` <= 1700000000000))')
  })

  it('compiles and/or of zero or one argument without ClickHouse’s two-argument minimum', () => {
    expect(compileExprSql(and().node)).toBe('1')
    expect(compileExprSql(or().node)).toBe('0')
    expect(compileExprSql(and(e.b).node)).toBe('`b`')
    expect(compileExprSql(e.b.and(e.n.gt(1)).node)).toBe('(`b` AND (`n` > 1))')
  })

  it('compiles in() to IN (...), leaving out values an integer can never equal', () => {
    expect(compileExprSql(e.name.in(['a', 'b']).node)).toBe("(`name` IN ('a', 'b'))")
    expect(compileExprSql(e.n.in([1, 2.5, -3]).node)).toBe('(`n` IN (1, (-3)))')
    expect(compileExprSql(e.n.in([2.5]).node)).toBe('0')
    expect(compileExprSql(e.f.in([1, 2.5]).node)).toBe('(`f` IN (1, 2.5))')
    expect(compileExprSql(e.b.in([true]).node)).toBe('(`b` IN (1))')
  })

  it('writes literals of every kind', () => {
    const node = (value: number, type: ExprNode['type']): ExprNode => ({ op: 'lit', type, value })
    expect(compileExprSql(lit(true).node)).toBe('1')
    expect(compileExprSql(node(0.25, 'float'))).toBe('0.25')
    expect(compileExprSql(node(-0.25, 'float'))).toBe('(-0.25)')
    expect(compileExprSql(node(1_700_000_000_000, 'time'))).toBe('1700000000000')
  })
})
