import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { onlineStorePipelineModule } from '@twinflow/example-online-store'
import { afterAll, describe, expect, it } from 'vitest'
import { graphqlRequest } from '../testing/graphql-request.ts'

const BIN = resolve(import.meta.dirname, '../../bin/twinflow.mjs')
const RUNS = '{ pipeline { batchRuns(limit: 50) { status startedAt } } }'

/** Runs the CLI to its end in `cwd`; resolves with its exit code and output. */
function run(cwd: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, TWINFLOW_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    child.once('exit', (code) => done({ code, output }))
  })
}

describe('a data directory is owned by one process', () => {
  const project = mkdtempSync(join(tmpdir(), 'twinflow-dev-lock-'))
  let first: ChildProcess | undefined
  afterAll(() => {
    if (first && first.exitCode === null) first.kill('SIGKILL')
    rmSync(project, { recursive: true, force: true })
  })

  it('a second dev on the folder, with bad or good arguments, with --reset or batch run, changes nothing of the running one', async () => {
    writeFileSync(
      join(project, 'twinflow.json'),
      JSON.stringify({
        pipeline: onlineStorePipelineModule,
        sources: [{ plugin: 'generator', name: 'orders', options: { stream: 'orders', backfillEvents: 2_000, ratePerSecond: 20 } }],
        batch: { schedule: '*/2 * * * * *' },
        speed: { foldThreads: 0 },
      }),
    )
    first = spawn(process.execPath, [BIN, 'dev', '--port', '0'], { cwd: project, env: { ...process.env, TWINFLOW_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    first.stdout!.on('data', (d) => (output += d))
    first.stderr!.on('data', (d) => (output += d))
    const deadline = Date.now() + 45_000
    while (!/GraphQL: (http:\S+)/.test(output)) {
      if (first.exitCode !== null || Date.now() > deadline) throw new Error(`dev did not start:\n${output}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const url = /GraphQL: (http:\S+)/.exec(output)![1]!
    const dataDir = join(project, '.twinflow')
    const chdbFiles = () => readdirSync(join(dataDir, 'chdb')).sort()
    const before = chdbFiles()
    expect(before.length).toBeGreaterThan(0)

    const badPort = await run(project, ['dev', '--port', 'abc'])
    expect(badPort.code).toBe(2)
    expect(badPort.output).toMatch(/--port must be a port number/)
    for (const args of [
      ['dev', '--port', '0'],
      ['dev', '--port', '0', '--reset'],
    ]) {
      const second = await run(project, args)
      expect(second.code, args.join(' ')).toBe(2)
      expect(second.output).toContain(`the data directory ${dataDir} is in use by another Twinflow process (PID ${first.pid}, "twinflow dev"`)
    }
    const batch = await run(project, ['batch', 'run', 'all'])
    expect(batch.code).toBe(2)
    expect(batch.output).toMatch(/in use by another Twinflow process .* runs batches itself, on batch.schedule/s)
    expect(chdbFiles()).toEqual(expect.arrayContaining(before)) // nothing deleted (the running one may add)

    // The first one still serves, and its scheduled batch runs still succeed after all that.
    const asked = Date.now()
    let runs: { status: string; startedAt: string }[] = []
    while (Date.now() - asked < 20_000) {
      const answer = await graphqlRequest(url, RUNS)
      expect(answer.errors).toBeUndefined()
      runs = answer.data!.pipeline.batchRuns
      if (runs.some((r) => Date.parse(r.startedAt) > asked && r.status === 'SUCCEEDED')) break
      await new Promise((r) => setTimeout(r, 500))
    }
    expect(runs.filter((r) => Date.parse(r.startedAt) > asked).map((r) => r.status)).toContain('SUCCEEDED')
    expect(runs.some((r) => r.status === 'FAILED')).toBe(false)
    const exit = new Promise<number | null>((done) => first!.once('exit', done))
    first.kill('SIGTERM')
    expect(await exit).toBe(0)
    expect(existsSync(join(dataDir, 'twinflow.lock'))).toBe(false)

    // Stopped, the directory is free: a new dev keeps the data; --reset empties it.
    const reset = spawn(process.execPath, [BIN, 'dev', '--port', '0', '--reset'], {
      cwd: project,
      env: { ...process.env, TWINFLOW_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let resetOutput = ''
    reset.stdout!.on('data', (d) => (resetOutput += d))
    while (!/GraphQL: /.test(resetOutput)) {
      if (reset.exitCode !== null) throw new Error(`dev --reset did not start:\n${resetOutput}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(resetOutput).toMatch(/emptied by --reset/)
    const stopped = new Promise<number | null>((done) => reset.once('exit', done))
    reset.kill('SIGTERM')
    expect(await stopped).toBe(0)
  }, 120_000)
})

describe('dev keeps its data between runs', () => {
  const project = mkdtempSync(join(tmpdir(), 'twinflow-dev-restart-'))
  afterAll(() => rmSync(project, { recursive: true, force: true, maxRetries: 5 }))
  const day = 86_400_000
  const TOTALS = `{ shopRevenueTop(from: "${new Date(Date.now() - 2 * day).toISOString()}", to: "${new Date(Date.now() + day).toISOString()}", by: ORDERS, limit: 100) { rows { shop orders } } }`

  /** Starts dev in the project and waits for its URL; `totals()` reads the paid orders per shop (the generator's last hours). */
  async function startDev(): Promise<{ totals: () => Promise<Record<string, number>>; stop: () => Promise<number | null> }> {
    const child = spawn(process.execPath, [BIN, 'dev', '--port', '0'], { cwd: project, env: { ...process.env, TWINFLOW_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let output = ''
    child.stdout!.on('data', (d) => (output += d))
    child.stderr!.on('data', (d) => (output += d))
    const started = Date.now()
    while (!/GraphQL: (http:\S+)/.test(output)) {
      if (child.exitCode !== null || Date.now() - started > 45_000) throw new Error(`dev did not start:\n${output}`)
      await new Promise((r) => setTimeout(r, 100))
    }
    const url = /GraphQL: (http:\S+)/.exec(output)![1]!
    const totals = async () => {
      const answer = await graphqlRequest(url, TOTALS)
      expect(answer.errors).toBeUndefined()
      return Object.fromEntries(answer.data!.shopRevenueTop.rows.map((r: { shop: string; orders: number }) => [r.shop, r.orders])) as Record<string, number>
    }
    const stop = () => {
      const exited = new Promise<number | null>((done) => child.once('exit', done))
      child.kill('SIGTERM')
      return exited
    }
    return { totals, stop }
  }
  const sum = (totals: Record<string, number>) => Object.values(totals).reduce((a, b) => a + b, 0)
  /** Reads totals until two reads 1 s apart agree (the finite source is done and everything is applied). */
  async function settled(dev: Awaited<ReturnType<typeof startDev>>): Promise<Record<string, number>> {
    let last = await dev.totals()
    for (let i = 0; i < 60; i++) {
      await new Promise((r) => setTimeout(r, 1_000))
      const now = await dev.totals()
      if (sum(now) > 0 && JSON.stringify(now) === JSON.stringify(last)) return now
      last = now
    }
    throw new Error(`the totals never settled: ${JSON.stringify(last)}`)
  }

  it('a restart answers what the run before answered: the log, the master tables and the sources go on where they were', async () => {
    // A finite generator: 1,500 orders (about 60 % of them "paid", what shopRevenue counts).
    writeFileSync(
      join(project, 'twinflow.json'),
      JSON.stringify({
        pipeline: onlineStorePipelineModule,
        sources: [{ plugin: 'generator', name: 'orders', options: { stream: 'orders', backfillEvents: 1_500, maxEvents: 1_500, seed: 5 } }],
        speed: { foldThreads: 0 },
      }),
    )
    const first = await startDev()
    const before = await settled(first)
    expect(sum(before)).toBeGreaterThan(500)
    expect(await first.stop()).toBe(0)
    // The second run: the log is on disk, the generator resumes after its checkpoint (no second
    // backfill), the archiver after its table, the speed layer rebuilds its windows from the log.
    const second = await startDev()
    const after = await settled(second)
    expect(await second.stop()).toBe(0)
    expect(after).toEqual(before)
  }, 180_000)
})
