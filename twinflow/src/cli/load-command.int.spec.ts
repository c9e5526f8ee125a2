import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { onlineStorePipelineModule } from '@twinflow/example-online-store'
import { afterAll, describe, expect, it } from 'vitest'
import { DataDirectoryLock } from '../app/data-directory-lock.ts'

const BIN = resolve(import.meta.dirname, '../../bin/twinflow.mjs')

/** Runs the CLI to its end (stdout is a pipe: JSON lines); resolves with its exit code, stdout and stderr. */
function run(cwd: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, TWINFLOW_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.once('exit', (code) => done({ code, stdout, stderr }))
  })
}
const lines = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, any>)

describe('twinflow load (the CLI, on the embedded runtimes)', () => {
  const project = mkdtempSync(join(tmpdir(), 'twinflow-load-cli-'))
  afterAll(() => rmSync(project, { recursive: true, force: true }))
  writeFileSync(join(project, 'twinflow.json'), JSON.stringify({ pipeline: onlineStorePipelineModule, speed: { foldThreads: 0 } }))
  const now = Date.now()
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    orderId: `o${i}`,
    shopId: `s${i % 4}`,
    customerId: 'c',
    amountCents: i,
    items: 1,
    status: i % 500 === 1 ? 'lost' : 'paid',
    ts: now - 86_400_000 + i,
  }))
  writeFileSync(join(project, 'orders.ndjson'), rows.map((r) => JSON.stringify(r)).join('\n'))
  writeFileSync(join(project, 'mapping.json'), JSON.stringify({ constants: { customerId: 'loaded' } }))

  it('loads a file, prints JSON progress lines and a summary, and says what to run next', async () => {
    const { code, stdout, stderr } = await run(project, ['load', '--stream', 'orders', '--mapping', 'mapping.json', '--block-rows', '1000', 'orders.ndjson'])
    expect(code, stderr).toBe(0)
    const out = lines(stdout)
    const progress = out.filter((l) => l.event === 'progress')
    expect(progress.at(-1)).toMatchObject({ file: 'orders.ndjson', rows: 3000, done: true })
    expect(out.at(-1)).toMatchObject({
      event: 'summary',
      stream: 'orders',
      inserted: 3000,
      rejected: 6,
      rejectedBy: { 'schema: field "status"': 6 },
      files: [{ path: 'orders.ndjson', status: 'loaded', rows: 3000, inserted: 3000, rejected: 6 }],
      next: expect.stringContaining('twinflow batch run all'),
    })
  })

  it('loading it again adds nothing', async () => {
    const { code, stdout } = await run(project, ['load', '--stream', 'orders', '--mapping', 'mapping.json', 'orders.ndjson'])
    expect(code).toBe(0)
    expect(lines(stdout).at(-1)).toMatchObject({ inserted: 0, files: [{ status: 'skipped', rows: 3000, rejected: 6 }] })
  })

  it('exit codes: 1 when a file cannot be read, 2 for a bad argument or mapping', async () => {
    writeFileSync(join(project, 'broken.json'), 'not json at all')
    const failed = await run(project, ['load', '--stream', 'orders', 'broken.json'])
    expect(failed.code).toBe(1)
    expect(lines(failed.stdout).at(-1)).toMatchObject({ files: [{ status: 'failed', error: expect.stringContaining('not a JSON array') }] })
    const noStream = await run(project, ['load', 'orders.ndjson'])
    expect([noStream.code, noStream.stderr]).toEqual([2, expect.stringContaining('--stream is required')])
    writeFileSync(join(project, 'bad-mapping.json'), JSON.stringify({ timestamps: { ts: 'unix' } }))
    const badMapping = await run(project, ['load', '--stream', 'orders', '--mapping', 'bad-mapping.json', 'orders.ndjson'])
    expect([badMapping.code, badMapping.stderr]).toEqual([2, expect.stringContaining('mapping.timestamps.ts')])
  })

  it('is refused while another process holds the data directory, which it leaves as it was', async () => {
    const lock = await DataDirectoryLock.acquire(join(project, '.twinflow'), 'twinflow dev')
    try {
      const { code, stderr } = await run(project, ['load', '--stream', 'orders', 'orders.ndjson'])
      expect(code).toBe(2)
      expect(stderr).toContain(`is in use by another Twinflow process (PID ${process.pid}, "twinflow dev"`)
      expect(stderr).toContain('stop it (e.g. the running `twinflow dev`), load, then start it again')
    } finally {
      await lock.release()
    }
  })
})
