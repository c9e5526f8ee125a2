import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { REPO_ROOT } from '../src/harness/index.ts'
import { settings } from '../src/settings.ts'

const CLI = join(REPO_ROOT, 'twinflow/bin/twinflow.mjs')

/** Runs a command to its end; fails the test with its output when it fails. */
function sh(command: string, args: string[], cwd: string, timeoutMs = 300_000): string {
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false' } })
  const output = `${result.stdout}${result.stderr}`
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} (in ${cwd}) exited ${result.status ?? result.signal}:\n${output}`)
  return output
}

// The README's path for a new project, as a user takes it: pack Twinflow, `twinflow init` outside
// the repository with --packages, install (the @twinflow packages from the tarballs, never a
// registry), type-check, run the project's own tests, start its `dev`, paste the query it prints.
describe.skipIf(settings.skipRequested && !settings.ci)('a new project from the packed packages', () => {
  const root = mkdtempSync(join(tmpdir(), 'twinflow-new-project-'))
  const project = join(root, 'my-shop')
  afterAll(() => rmSync(root, { recursive: true, force: true, maxRetries: 5 }))

  it('installs without the registry for @twinflow/*, type-checks, passes its tests, and its dev answers the printed query', async () => {
    sh('npm', ['run', 'pack'], REPO_ROOT)
    sh(process.execPath, [CLI, 'init', project, '--packages', join(REPO_ROOT, 'dist-packages')], root)
    sh('npm', ['install'], project)
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, { resolved?: string }> }
    const twinflowEntries = Object.entries(lock.packages).filter(([path]) => /node_modules\/(@twinflow\/[^/]+|twinflow)$/.test(path))
    // Every Twinflow package the project installed came from a tarball (none from a registry).
    const names = twinflowEntries.map(([path]) => path.replace(/^.*node_modules\//, ''))
    expect(names).toEqual(expect.arrayContaining(['twinflow', '@twinflow/core', '@twinflow/testing']))
    for (const [path, entry] of twinflowEntries) expect(entry.resolved, path).toMatch(/^file:.*dist-packages\/.*\.tgz$/)
    sh('npx', ['tsc', '-p', 'tsconfig.json'], project)
    expect(sh('npm', ['test'], project)).toMatch(/1 passed/)

    // What `npx twinflow dev` runs, without npx between the test and the signal that stops it.
    const bin = join(project, 'node_modules/twinflow/bin/twinflow.mjs')
    const dev = spawn(process.execPath, [bin, 'dev', '--port', '0'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TWINFLOW_LOG_LEVEL: 'warn' } })
    let output = ''
    dev.stdout!.on('data', (d) => (output += d))
    dev.stderr!.on('data', (d) => (output += d))
    try {
      const started = Date.now()
      while (!/^Try: .*$/m.test(output)) {
        if (dev.exitCode !== null || Date.now() - started > 60_000) throw new Error(`dev did not print a query:\n${output}`)
        await new Promise((r) => setTimeout(r, 100))
      }
      const url = /GraphQL: (http:\S+)/.exec(output)![1]!
      const query = /^Try: (.*)$/m.exec(output)![1]!
      // The printed query, pasted: rows once the first batch run has published (dev starts one at once).
      let rows: unknown[] = []
      while (rows.length === 0 && Date.now() - started < 90_000) {
        const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })
        const body = (await response.json()) as { data?: { revenue: { rows: unknown[] } }; errors?: unknown }
        expect(body.errors).toBeUndefined()
        rows = body.data!.revenue.rows
        if (rows.length === 0) await new Promise((r) => setTimeout(r, 500))
      }
      expect(rows.length).toBeGreaterThan(0)
    } finally {
      const exited = new Promise<number | null>((done) => dev.once('exit', done))
      dev.kill('SIGTERM')
      expect(await exited).toBe(0)
    }
  }, 600_000)
})
