import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Container } from 'inversify'
import { createJsonLogger, definePipeline, pluginModule, PluginRegistry, resolve, systemClock, TOKENS, TwinflowError, type Resolver } from '@twinflow/core'
import { ChdbDriver } from './chdb-driver.ts'
import { chdbDriverPlugin } from './index.ts'

const logger = createJsonLogger({ level: 'silent' })
const dir = mkdtempSync(join(tmpdir(), 'twinflow-chdb-spec-'))
const driver = new ChdbDriver({ path: dir }, logger)

async function rejection(promise: Promise<unknown>): Promise<TwinflowError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  )
  if (!TwinflowError.is(error)) throw new Error(`expected a TwinflowError, got ${String(error)}`)
  return error
}

beforeAll(() => driver.connect())
afterAll(async () => {
  await driver.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('ChdbDriver', () => {
  it('runs commands, inserts one block and decodes JSONEachRow rows (64-bit integers as strings, like a server)', async () => {
    await driver.command('CREATE TABLE drv_basic (id UInt32, big Int64, name String, f Float64, ok UInt8) ENGINE = MergeTree() ORDER BY id')
    await driver.insert('drv_basic', [
      { id: 1, big: 9007199254740991, name: "it's \\ fine\n", f: 0.1, ok: 1 },
      { id: 2, big: -5, name: 'ünïcødé ✓', f: -2.5, ok: 0 },
    ])
    const rows = await driver.query<{ id: number; big: string; name: string; f: number; ok: number }>('SELECT * FROM drv_basic ORDER BY id')
    expect(rows).toEqual([
      { id: 1, big: '9007199254740991', name: "it's \\ fine\n", f: 0.1, ok: 1 },
      { id: 2, big: '-5', name: 'ünïcødé ✓', f: -2.5, ok: 0 },
    ])
    expect(await driver.query('SELECT id FROM drv_basic WHERE id > 100')).toEqual([])
    await driver.insert('drv_basic', [])
    expect(await driver.query('SELECT count() AS c FROM drv_basic')).toEqual([{ c: '2' }])
  })

  it('maps a rejected statement to an internal error carrying the statement and the ClickHouse code', async () => {
    const syntax = await rejection(driver.query('SELEC 1'))
    expect(syntax.kind).toBe('internal')
    expect(syntax.retriable).toBe(false)
    expect(syntax.context).toMatchObject({ sql: 'SELEC 1', clickhouseCode: 62 })
    const unknownTable = await rejection(driver.command('INSERT INTO drv_missing SELECT 1'))
    expect(unknownTable.kind).toBe('internal')
    expect(unknownTable.context).toMatchObject({ clickhouseCode: 60 })
    const badInsert = await rejection(driver.insert('drv_missing', [{ a: 1 }]))
    expect(badInsert.kind).toBe('internal')
    expect(badInsert.context.sql).toBe('INSERT INTO drv_missing (1 rows)')
  })

  it('shares the process data directory with a second driver on the same path', async () => {
    const second = new ChdbDriver({ path: join(dir, '.') }, logger)
    await second.connect()
    await driver.command('CREATE TABLE drv_shared (a UInt8) ENGINE = MergeTree() ORDER BY a')
    await driver.insert('drv_shared', [{ a: 7 }])
    expect(await second.query('SELECT a FROM drv_shared')).toEqual([{ a: 7 }])
    await second.close()
    expect(await driver.query('SELECT a FROM drv_shared')).toEqual([{ a: 7 }])
  })

  it('refuses a second driver on another directory with a config error that explains why', async () => {
    const other = new ChdbDriver({ path: join(dir, 'elsewhere') }, logger)
    const error = await rejection(other.connect())
    expect(error.kind).toBe('config')
    expect(error.message).toMatch(/ONE data directory per process/)
    expect(error.message).toContain(dir)
    const temporary = await rejection(new ChdbDriver({}, logger).connect())
    expect(temporary.message).toMatch(/a fresh temporary directory/)
  })

  it('fails statements before connect() instead of hanging', async () => {
    const idle = new ChdbDriver({ path: dir }, logger)
    const error = await rejection(idle.query('SELECT 1'))
    expect(error.kind).toBe('internal')
    expect(error.message).toMatch(/call connect\(\)/)
  })

  it('is created through the plugin registry and DI, with options validated up front', async () => {
    const registry = new PluginRegistry().register(chdbDriverPlugin)
    const plugin = registry.get('clickhouse-driver', 'chdb')
    expect(() => pluginModule(plugin, { path: 3 }, 'runtimes.clickhouse')).toThrow(
      /^runtimes.clickhouse \(clickhouse-driver plugin "chdb"\): invalid options:\n {2}- path: must be a non-empty string \(the chdb data directory\), got 3$/,
    )
    const container = new Container()
    container.bind(TOKENS.Clock).toConstantValue(systemClock)
    container.bind(TOKENS.Logger).toConstantValue(logger)
    container.bind(TOKENS.Pipeline).toConstantValue(definePipeline({ streams: [], views: [] }))
    container.bind(TOKENS.DataDirectory).toConstantValue(dir)
    container.load(pluginModule(plugin, { path: dir }, 'runtimes.clickhouse'))
    const fromContainer = resolve(container as unknown as Resolver, TOKENS.ClickHouseDriver)
    expect(fromContainer).toBeInstanceOf(ChdbDriver)
    await fromContainer.connect()
    expect(await fromContainer.query('SELECT 1 + 1 AS two')).toEqual([{ two: 2 }])
    await fromContainer.close()
  })
})
