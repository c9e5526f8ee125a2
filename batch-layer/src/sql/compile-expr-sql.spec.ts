import { describe, expect, it } from 'vitest'
import { and, defineStream, exprRow, ifElse, lit, or, t, type ExprNode } from '@twinflow/core'
import { compileExprSql } from './compile-expr-sql.ts'

const s = defineStream('s', { name: t.string(), n: t.int64(), f: t.float64(), b: t.boolean(), ts: t.eventTime(), from: t.string() })
const e = exprRow(s.fields)
const o = exprRow(defineStream('o', { price: t.int64().optional(), flag: t.boolean().optional(), ts: t.eventTime() }).fields)

describe('compileExprSql', () => {
  it('quotes fields, parenthesizes every operation and writes booleans as 1/0', () => {
    expect(compileExprSql(e.name.eq("o'k").node)).toBe("(`name` = 'o\\'k')")
    expect(compileExprSql(e.n.add(1).mul(e.f).div(2).node)).toBe('(((`n` + toInt64(1)) * `f`) / toInt64(2))')
    expect(compileExprSql(e.n.sub(-1).node)).toBe('(`n` - toInt64(-1))')
    expect(compileExprSql(e.f.sub(-0.5).node)).toBe('(`f` - (-0.5))')
    expect(compileExprSql(e.b.eq(false).node)).toBe('(`b` = 0)')
    expect(compileExprSql(e.b.not().node)).toBe('(NOT `b`)')
    expect(compileExprSql(e.from.ne('x').node)).toBe("(`from` != 'x')")
    expect(compileExprSql(e.f.ge(0.5).or(e.n.lt(3), e.ts.le(1_700_000_000_000)).node)).toBe('((`f` >= 0.5) OR (`n` < toInt64(3)) OR (`ts` <= toInt64(1700000000000)))')
  })

  it('compiles and/or of zero or one argument without ClickHouse’s two-argument minimum', () => {
    expect(compileExprSql(and().node)).toBe('1')
    expect(compileExprSql(or().node)).toBe('0')
    expect(compileExprSql(and(e.b).node)).toBe('`b`')
    expect(compileExprSql(e.b.and(e.n.gt(1)).node)).toBe('(`b` AND (`n` > toInt64(1)))')
  })

  it('compiles in() to IN (...), leaving out values an integer can never equal', () => {
    expect(compileExprSql(e.name.in(['a', 'b']).node)).toBe("(`name` IN ('a', 'b'))")
    expect(compileExprSql(e.n.in([1, 2.5, -3]).node)).toBe('(`n` IN (1, (-3)))')
    expect(compileExprSql(e.n.in([2.5]).node)).toBe('0')
    expect(compileExprSql(e.f.in([1, 2.5]).node)).toBe('((`f` + 0.0) IN (1, 2.5))')
    expect(compileExprSql(e.b.in([true]).node)).toBe('(`b` IN (1))')
  })

  it('compiles three-valued logic of nullable operands explicitly, the same on 18.16 and current releases', () => {
    // false/null/true as 0/1/2: AND the least, OR the greatest.
    expect(compileExprSql(e.b.and(o.flag).node)).toBe('toUInt8(intDiv(nullIf(least((toUInt8(`b`) * 2), ifNull(toUInt8(`flag`) * 2, 1)), 1), 2))')
    expect(compileExprSql(e.b.or(o.flag).node)).toBe('toUInt8(intDiv(nullIf(greatest((toUInt8(`b`) * 2), ifNull(toUInt8(`flag`) * 2, 1)), 1), 2))')
    expect(compileExprSql(o.price.in([1, 2]).node)).toBe('if(isNull(`price`), NULL, (assumeNotNull(`price`) IN (1, 2)))')
    expect(compileExprSql(ifElse(o.flag, o.price, 0).node)).toBe('if(ifNull(`flag`, 0), toInt64(`price`), toInt64(toInt64(0)))')
    expect(compileExprSql(ifElse(e.b, e.n, null).node)).toBe('if(`b`, toInt64(`n`), toInt64(CAST(NULL AS Nullable(Int64))))')
    // coalesce as multiIf (18.16's coalesce fails on a Nullable constant argument); not Nullable when the last argument cannot be null
    expect(compileExprSql(o.price.coalesce(e.f).node)).toBe('assumeNotNull(multiIf(isNotNull(toFloat64(`price`)), toFloat64(`price`), `f`))')
    expect(compileExprSql(o.price.coalesce(o.price, 3).node)).toBe(
      'assumeNotNull(multiIf(isNotNull(toInt64(`price`)), toInt64(`price`), isNotNull(toInt64(`price`)), toInt64(`price`), toInt64(toInt64(3))))',
    )
    expect(compileExprSql(o.price.coalesce(ifElse(e.b, e.n, null)).node)).toMatch(/^multiIf\(isNotNull\(toInt64\(`price`\)\), toInt64\(`price`\), toInt64\(if\(`b`/)
    // an argument that cannot be null ends it
    expect(compileExprSql(e.n.coalesce(o.price).node)).toBe('toInt64(`n`)')
  })

  it('compiles each function to SQL that ClickHouse 18.16 and current releases both run alike', () => {
    const sql = (x: { node: ExprNode }) => compileExprSql(x.node)
    expect(sql(e.name.lower())).toBe('lower(`name`)')
    expect(sql(e.name.trim())).toBe("replaceRegexpAll(`name`, '^[ \\\\t\\\\n\\\\r\\\\v\\\\f]+|[ \\\\t\\\\n\\\\r\\\\v\\\\f]+$', '')")
    expect(sql(e.name.length())).toBe('toInt64(lengthUTF8(`name`))')
    expect(sql(e.name.substring(1, 2))).toBe("extract(`name`, '^(?s:.){1}((?s:.){0,2})')")
    expect(sql(e.name.substring(-3))).toBe("extract(`name`, '((?s:.){0,3})$')")
    expect(sql(e.name.contains('x'))).toBe("(position(`name`, 'x') > 0)")
    expect(sql(e.name.replace('a', 'b'))).toBe("replaceAll(`name`, 'a', 'b')")
    expect(sql(e.f.round())).toBe('floor(`f` + 0.5)')
    expect(sql(e.f.round(2))).toBe('(floor((`f` * 100.0) + 0.5) / 100.0)')
    expect(sql(e.n.round())).toBe('`n`')
    expect(sql(e.n.abs())).toBe('if(`n` < 0, negate(`n`), `n`)')
    expect(sql(e.ts.year('Asia/Kolkata')).length).toBeLessThan(1200)
    expect(sql(e.n.mod(3))).toBe('if(toInt64(3) = 0, NULL, `n` % if(toInt64(3) = 0, toInt64(1), toInt64(toInt64(3))))')
    // a divisor that may be null takes the NULL branch explicitly (18.16 divides by the 0 under a constant NULL)
    expect(sql(e.n.mod(o.price))).toBe('if(ifNull(`price` = 0, 1), NULL, `n` % if(ifNull(`price` = 0, 1), toInt64(1), toInt64(assumeNotNull(`price`))))')
    expect(sql(e.f.toInt())).toMatch(/^if\(\(\(isFinite\(`f`\) AND \(abs\(`f`\) < 9007199254740992\.0\)\) AS (_s\w+)\), toInt64\(if\(\1, `f`, 0\.0\)\), NULL\)$/)
    // An argument used more than once is written once, then referred to by its alias.
    expect(sql(e.n.add(e.n).mul(e.n).sub(e.n).abs())).toMatch(/^if\(\(\(\(\(`n` \+ `n`\) \* `n`\) - `n`\) AS (_s\w+)\) < 0, negate\(\1\), \1\)$/)
    expect(sql(e.b.asString())).toBe("if(`b`, 'true', 'false')")
    expect(sql(e.ts.hour())).toBe('toInt64(intDiv(`ts`, 3600000) % 24)')
    expect(sql(e.ts.hour('Europe/Berlin'))).toBe(
      "toInt64(intDiv((`ts` + ((toInt64(toDateTime(toString(toDateTime(intDiv(`ts`, 1000), 'Europe/Berlin')), 'UTC')) - intDiv(`ts`, 1000)) * 1000)), 3600000) % 24)",
    )
    expect(sql(e.ts.month())).toContain('intDiv(`ts`, 86400000) + 719468')
    for (const banned of ['substringUTF8', 'reverseUTF8', 'trimBoth', 'toStartOf', 'DateTime64', 'round('])
      expect(sql(e.name.substring(2).concat(e.name.trim()).length().add(e.f.round().toInt()))).not.toContain(banned)
  })

  it('writes literals of every kind', () => {
    const node = (value: number, type: ExprNode['type']): ExprNode => ({ op: 'lit', type, value })
    expect(compileExprSql(lit(true).node)).toBe('1')
    expect(compileExprSql(node(0.25, 'float'))).toBe('0.25')
    expect(compileExprSql(node(-0.25, 'float'))).toBe('(-0.25)')
    expect(compileExprSql(node(1_700_000_000_000, 'time'))).toBe('1700000000000')
  })
})
