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
