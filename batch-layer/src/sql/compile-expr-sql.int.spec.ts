import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileEvaluator, exprRow } from '@twinflow/core'
import { openTestDriver } from '../testing/open-test-driver.ts'
import { randomViews } from '@twinflow/testing/conformance'
import { compileExprSql } from './compile-expr-sql.ts'

/*
 * Row by row, the SQL of an expression computes on ClickHouse what core's compileEvaluator
 * computes in JavaScript, and both what the reference interpreter computes. Divisions by any
 * expression are allowed here (IEEE division is correctly rounded in both); ±inf and nan arrive
 * from ClickHouse's JSON as null.
 */

let driver: Awaited<ReturnType<typeof openTestDriver>>
beforeAll(async () => {
  driver = await openTestDriver()
  await driver.command(
    'CREATE TABLE expr_rows (run UInt32, id UInt32, s String, e String, n Int64, m Int64, f Float64, g Float64, b UInt8, c UInt8, ts Int64) ENGINE = MergeTree() ORDER BY (run, id)',
  )
})
afterAll(() => driver.dispose())

const fields = exprRow(randomViews.stream('expr_rows').fields) as unknown as Parameters<typeof randomViews.numExpr>[1]

describe('compileExprSql ≡ compileEvaluator ≡ reference, row by row', () => {
  it('agrees on random expressions over random rows', async () => {
    let run = 0
    await fc.assert(
      fc.asyncProperty(randomViews.exprCase, async ({ expr, events }) => {
        run++
        const node = 'num' in expr ? randomViews.numExpr(expr.num, fields).node : randomViews.boolExpr(expr.bool, fields).node
        await driver.insert(
          'expr_rows',
          events.map((e, id) => ({ run, id, ...e, b: e.b ? 1 : 0, c: e.c ? 1 : 0 })),
        )
        const rows = await driver.query<{ v: unknown }>(`SELECT ${compileExprSql(node)} AS v FROM expr_rows WHERE run = ${run} ORDER BY id`)
        const js = compileEvaluator(node)
        events.forEach((event, i) => {
          const reference = randomViews.evaluate(expr, event)
          const viaJs = js(event as unknown as Record<string, unknown>)
          expect(Object.is(viaJs, reference), `JS ${String(viaJs)} vs reference ${String(reference)}`).toBe(true)
          const sql = rows[i]!.v
          if (typeof reference === 'boolean') expect(sql, `row ${i}`).toBe(reference ? 1 : 0)
          else if (!Number.isFinite(reference)) expect(sql, `row ${i}: ${reference}`).toBeNull()
          // === and not Object.is: ClickHouse keeps the sign of a float zero where JS integer arithmetic
          // loses it ((-1 * 0) / -1 is -0 there, 0 here), and no output carries it (JSON writes -0 as 0).
          else expect(Number(sql) === reference, `row ${i}: SQL ${String(sql)} vs ${reference}`).toBe(true)
        })
      }),
      { numRuns: 100 },
    )
  })
})
