import { TwinflowError, type ClickHouseDriver } from '@twinflow/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { batchPageEquivalence } from './batch-page-equivalence.ts'
import { batchRunHistory } from './batch-run-history.ts'
import { batchSqlEquivalence, type BatchSqlEquivalenceOptions } from './batch-sql-equivalence.ts'
import { dedupeEquivalence } from './dedupe-equivalence.ts'
import { expressionSqlEquivalence } from './expression-sql-equivalence.ts'

async function rejection(promise: Promise<unknown>): Promise<TwinflowError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!TwinflowError.is(error)) throw new Error(`expected a TwinflowError, got ${String(error)}`)
  return error
}

/**
 * The behaviour every ClickHouseDriver must have, as vitest suites (call it at the top level of a
 * spec file): statements, one-block inserts and JSONEachRow decoding (64-bit integers as strings,
 * as a server sends them); a rejected statement is an `internal` error with the statement and the
 * ClickHouse code in its context; and, on this driver, the batch/speed equivalence property (the
 * batch layer's SQL gives the speed layer's rows for random views), the ordered pages of batch
 * versions (`readPage`, `countRows`) and the run history's reading of outcomes, and row by row the
 * expression language's SQL (every function) gives its JavaScript's values. `open` gives a connected driver on a database of its own (tables are named per run,
 * so one server can serve several runs).
 */
export function clickHouseDriverConformance(name: string, options: BatchSqlEquivalenceOptions): void {
  describe(`ClickHouseDriver conformance: ${name}`, () => {
    let opened: Awaited<ReturnType<BatchSqlEquivalenceOptions['open']>> | undefined
    const table = `conformance_${Date.now().toString(36)}_${process.pid}`
    beforeAll(async () => {
      opened = await options.open()
    }, 120_000)
    afterAll(async () => {
      await opened?.driver.command(`DROP TABLE IF EXISTS ${table}`).catch(() => {})
      await opened?.dispose()
    })
    const driver = (): ClickHouseDriver => opened!.driver

    it('runs statements, inserts one block and decodes rows (64-bit integers as strings)', async () => {
      await driver().command(`CREATE TABLE ${table} (id UInt32, big Int64, name String, f Float64, ok UInt8) ENGINE = MergeTree() ORDER BY id`)
      await driver().insert(table, [
        { id: 1, big: 9007199254740991, name: "it's \\ fine\n", f: 0.1, ok: 1 },
        { id: 2, big: -5, name: 'ünïcødé ✓', f: -2.5, ok: 0 },
      ])
      await driver().insert(table, [])
      const rows = await driver().query<Record<string, unknown>>(`SELECT * FROM ${table} ORDER BY id`)
      expect(rows).toEqual([
        { id: 1, big: '9007199254740991', name: "it's \\ fine\n", f: 0.1, ok: 1 },
        { id: 2, big: '-5', name: 'ünïcødé ✓', f: -2.5, ok: 0 },
      ])
      expect(await driver().query(`SELECT id FROM ${table} WHERE id > 100`)).toEqual([])
    })

    it('inserts TabSeparated bytes into the columns named, as one block: escapes and NULL read back', async () => {
      const tsv = `${table}_tsv`
      await driver().command(`CREATE TABLE ${tsv} (id UInt32, name String, note Nullable(String), f Float64, big Int64) ENGINE = MergeTree() ORDER BY id`)
      try {
        // Fields joined by real tabs; inside a value, a tab, line feed, carriage return and backslash are escaped.
        const rows = [
          ['2', 'tab\\there', '\\N', '1e+21', '-9007199254740991'],
          ['1', 'back\\\\slash, line\\nfeed, cr\\r ✓', 'note', '0.1', '0'],
        ]
        await driver().insertTsv(tsv, ['id', 'name', 'note', 'f', 'big'], Buffer.from(rows.map((r) => `${r.join('\t')}\n`).join('')))
        await driver().insertTsv(tsv, ['id', 'name', 'note', 'f', 'big'], Buffer.alloc(0))
        expect(await driver().query(`SELECT * FROM ${tsv} ORDER BY id`)).toEqual([
          { id: 1, name: 'back\\slash, line\nfeed, cr\r ✓', note: 'note', f: 0.1, big: '0' },
          { id: 2, name: 'tab\there', note: null, f: 1e21, big: '-9007199254740991' },
        ])
        const bad = await rejection(driver().insertTsv(tsv, ['id', 'name', 'note', 'f', 'big'], Buffer.from('x\ty\tz\t1\t1\n')))
        expect(bad.kind).toBe('internal')
      } finally {
        await driver().command(`DROP TABLE IF EXISTS ${tsv}`)
      }
    })

    it('reports a rejected statement as an internal error with the statement and the ClickHouse code', async () => {
      const syntax = await rejection(driver().query('SELEC 1'))
      expect(syntax.kind).toBe('internal')
      expect(syntax.retriable).toBe(false)
      expect(syntax.context).toMatchObject({ sql: 'SELEC 1', clickhouseCode: 62 })
      const unknownTable = await rejection(driver().command(`INSERT INTO ${table}_missing SELECT 1`))
      expect(unknownTable.kind).toBe('internal')
      expect(unknownTable.context).toMatchObject({ clickhouseCode: 60 })
      const badInsert = await rejection(driver().insert(`${table}_missing`, [{ a: 1 }]))
      expect(badInsert.kind).toBe('internal')
    })
  })
  expressionSqlEquivalence(name, options)
  batchSqlEquivalence(name, options)
  dedupeEquivalence(name, options)
  batchPageEquivalence(name, options)
  batchRunHistory(name, options)
}
