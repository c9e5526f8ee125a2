import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileEvaluator, exprRow } from '@twinflow/core'
import { compileExprSql } from '@twinflow/batch-layer'
import type { BatchSqlEquivalenceOptions } from './batch-sql-equivalence.ts'
import { propertyRuns, propertyTimeout } from './property-runs.ts'
import { randomViews, type RandomEvent } from './random-views.ts'

type ExprCase = typeof randomViews.exprCase extends fc.Arbitrary<infer C> ? C : never

const row = { s: 'a', e: 'x' as const, n: 5, m: 0, f: 0, g: 0, b: false, c: false, u: null, p: null, q: null, o: null, d: 0, ts: 1_772_323_200_000 }
/**
 * Found by the property on 18.16: `coalesce(q, if(isNull(n), n, null))` with `n` never null, whose
 * second argument is a Nullable constant in SQL, which 18.16's coalesce refuses or answers NULL for.
 */
const coalesceOfNullConstant: { expr: ExprCase['expr']; events: RandomEvent[] } = {
  expr: {
    num: {
      t: 'coalesce',
      l: { t: 'field', name: 'q' },
      r: { t: 'if', c: { t: 'isNull', x: { num: { t: 'field', name: 'n' } } }, l: { t: 'field', name: 'n' }, r: null },
    },
  },
  events: [
    { ...row, q: 0 },
    { ...row, q: null },
    { ...row, q: -2.5 },
  ],
}

/** Found by the property on 18.16 too: `n mod if(isNull(b), n + 0, null)`, a Nullable constant divisor ("Division by zero"). */
const modByNullConstant: { expr: ExprCase['expr']; events: RandomEvent[] } = {
  expr: {
    num: {
      t: 'mod',
      l: { t: 'field', name: 'n' },
      r: { t: 'if', c: { t: 'isNull', x: { bool: { t: 'field', name: 'b' } } }, l: { t: 'arith', op: 'add', l: { t: 'field', name: 'n' }, r: { t: 'lit', v: 0 } }, r: null },
    },
  },
  events: [
    { ...row, n: 0 },
    { ...row, n: 7 },
  ],
}

/**
 * Row by row, on one ClickHouse (call it at the top level of a spec file): the SQL of a random
 * expression computes what core's compileEvaluator computes in JavaScript, and both what the
 * reference interpreter computes: numbers, booleans and strings, every function of the expression
 * language, nulls of the optional fields, times around daylight-saving changes in several zones.
 * Divisions by any expression are allowed here (IEEE division is correctly rounded in both); ±inf,
 * nan and null all arrive from ClickHouse's JSON as null.
 */
export function expressionSqlEquivalence(name: string, options: BatchSqlEquivalenceOptions): void {
  let opened: Awaited<ReturnType<BatchSqlEquivalenceOptions['open']>> | undefined
  const table = `expr_rows_${Date.now().toString(36)}_${process.pid}`
  describe(`expression SQL ≡ JS ≡ reference, row by row (${name})`, () => {
    beforeAll(async () => {
      opened = await options.open()
      await opened.driver.command(
        `CREATE TABLE ${table} (run UInt32, id UInt32, s String, e String, n Int64, m Int64, f Float64, g Float64, b UInt8, c UInt8, ` +
          'u Nullable(String), p Nullable(Int64), q Nullable(Float64), o Nullable(UInt8), d Int64, ts Int64) ENGINE = MergeTree() ORDER BY (run, id)',
      )
    }, 120_000)
    afterAll(async () => {
      await opened?.driver.command(`DROP TABLE IF EXISTS ${table}`).catch(() => {})
      await opened?.dispose()
    })

    it(
      'agrees on random expressions over random rows',
      async () => {
        const driver = opened!.driver
        const fields = exprRow(randomViews.stream('expr_rows').fields) as unknown as Parameters<typeof randomViews.numExpr>[1]
        let run = 0
        await fc.assert(
          fc.asyncProperty(randomViews.exprCase, async ({ expr, events }) => {
            run++
            const node =
              'num' in expr
                ? randomViews.numExpr(expr.num, fields).node
                : 'bool' in expr
                  ? randomViews.boolExpr(expr.bool, fields).node
                  : randomViews.strExpr(expr.str, fields).node
            await driver.insert(
              table,
              events.map((e, id) => ({ run, id, ...e, b: e.b ? 1 : 0, c: e.c ? 1 : 0, o: e.o === null ? null : e.o ? 1 : 0 })),
            )
            const rows = await driver.query<{ v: unknown }>(`SELECT ${compileExprSql(node)} AS v FROM ${table} WHERE run = ${run} ORDER BY id`)
            const js = compileEvaluator(node)
            events.forEach((event, i) => {
              const reference = randomViews.evaluate(expr, event)
              const viaJs = js(event as unknown as Record<string, unknown>)
              expect(Object.is(viaJs, reference), `JS ${String(viaJs)} vs reference ${String(reference)}`).toBe(true)
              const sql = rows[i]!.v
              if (reference === null) expect(sql, `row ${i}`).toBeNull()
              else if (typeof reference === 'boolean') expect(Number(sql), `row ${i}`).toBe(reference ? 1 : 0)
              else if (typeof reference === 'string') expect(sql, `row ${i}`).toBe(reference)
              else if (!Number.isFinite(reference)) expect(sql, `row ${i}: ${reference}`).toBeNull()
              // === and not Object.is: ClickHouse keeps the sign of a float zero where JS integer arithmetic
              // loses it ((-1 * 0) / -1 is -0 there, 0 here), and no output carries it (JSON writes -0 as 0).
              else expect(Number(sql) === reference, `row ${i}: SQL ${String(sql)} vs ${reference}`).toBe(true)
            })
          }),
          { numRuns: propertyRuns(300), examples: [[coalesceOfNullConstant], [modByNullConstant]] },
        )
      },
      propertyTimeout(600_000),
    )
  })
}
