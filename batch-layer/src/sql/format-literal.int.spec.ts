import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDriver } from '../testing/open-test-driver.ts'
import { formatLiteral } from './format-literal.ts'

let driver: Awaited<ReturnType<typeof openTestDriver>>
beforeAll(async () => {
  driver = await openTestDriver()
})
afterAll(() => driver.dispose())

/** Strings heavy in what breaks quoting: quotes, backslashes, control characters, multi-byte text. */
const tricky = fc.string({ unit: fc.constantFrom('\\', "'", '"', '\n', '\r', '\t', '\0', '\x01', '\x1b', '\x7f', '?', '{', 'a', 'é', '✓', '😀', '\u2028') })
const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary-ascii' }), tricky)

async function selectOne(expression: string): Promise<{ v: unknown; t: string }> {
  const rows = await driver.query<{ v: unknown; t: string }>(`SELECT ${expression} AS v, toTypeName(v) AS t`)
  return rows[0]!
}

describe('formatLiteral round-trips through ClickHouse', () => {
  it('strings: SELECT <literal> gives the same string back', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyString, { minLength: 1, maxLength: 20 }), async (strings) => {
        const { v } = await selectOne(`[${strings.map((s) => formatLiteral(s, 'string')).join(', ')}]`)
        expect(v).toEqual(strings)
      }),
      { numRuns: 150 },
    )
  })

  it('floats: the same double comes back, -0 included, typed Float64', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 20 }), async (floats) => {
        const { v, t } = await selectOne(`[${floats.map((f) => formatLiteral(f, 'float')).join(', ')}]`)
        expect(t).toBe('Array(Float64)')
        const back = v as number[]
        expect(back.length).toBe(floats.length)
        floats.forEach((f, i) => expect(Object.is(back[i], f), `${f} came back as ${back[i]}`).toBe(true))
      }),
      { numRuns: 150 },
    )
  })

  it('ints, times and booleans', async () => {
    await fc.assert(
      fc.asyncProperty(fc.maxSafeInteger(), fc.boolean(), async (n, b) => {
        const int = await selectOne(formatLiteral(n, 'int'))
        expect(Number(int.v)).toBe(n)
        const bool = await selectOne(formatLiteral(b, 'bool'))
        expect(bool).toEqual({ v: b ? 1 : 0, t: 'UInt8' })
      }),
      { numRuns: 60 },
    )
    expect(await selectOne(formatLiteral(3, 'float'))).toEqual({ v: 3, t: 'Float64' })
  })
})
