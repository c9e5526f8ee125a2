import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { graphqlRequest } from '../testing/graphql-request.ts'

const ROOT = resolve(import.meta.dirname, '../../..')
// The README's run command is `npm start`: run its exact command line (npm itself would only add a
// wrapper process between the test and the signals it sends).
const START = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).scripts.start as string

describe('npm start (the README run command)', () => {
  let child: ChildProcess | undefined
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL')
  })

  it('prints the dashboard and GraphQL URLs and answers with merged batch + realtime rows within a minute, then stops on SIGTERM', async () => {
    const started = Date.now()
    expect(START).toMatch(/^node twinflow\/bin\/twinflow\.mjs dev\b/)
    child = spawn('sh', ['-c', `exec ${START.replace(/^node /, `"${process.execPath}" `)} --port 0`], {
      cwd: ROOT,
      env: { ...process.env, TWINFLOW_DATA_DIR: mkdtempSync(join(tmpdir(), 'twinflow-dev-')), TWINFLOW_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout!.on('data', (d) => (stdout += d))
    child.stderr!.on('data', (d) => (stderr += d))
    const url = await new Promise<string>((done, fail) => {
      const timer = setInterval(() => {
        const m = /GraphQL: (http:\/\/\S+)/.exec(stdout)
        if (m) {
          clearInterval(timer)
          done(m[1]!)
        } else if (child!.exitCode !== null || Date.now() - started > 45_000) {
          clearInterval(timer)
          fail(new Error(`no URL printed; exit ${child!.exitCode}\nstdout: ${stdout}\nstderr: ${stderr}`))
        }
      }, 100)
    })
    // The dashboard's URL is printed first, on the same server; its page is served there.
    const dashboard = /Dashboard: (http:\/\/\S+)/.exec(stdout)?.[1]
    expect(dashboard).toBe(`${new URL(url).origin}/ui/`)
    const page = await fetch(dashboard!)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('<base href="/ui/">')
    const now = Date.now()
    const query = `query($from: DateTime!, $to: DateTime!) { shopRevenue(from: $from, to: $to, granularity: HOUR) { cutoff version rows { windowStart shop orders revenueCents } } }`
    let last: any
    while (Date.now() - started < 60_000) {
      const res = await graphqlRequest(url, query, { from: new Date(now - 24 * 3_600_000).toISOString(), to: new Date(now + 3_600_000).toISOString() })
      expect(res.errors).toBeUndefined()
      last = res.data!.shopRevenue
      const cutoff = last.cutoff ? Date.parse(last.cutoff) : null
      const merged = cutoff !== null && last.rows.some((r: any) => Date.parse(r.windowStart) < cutoff) && last.rows.some((r: any) => Date.parse(r.windowStart) >= cutoff)
      if (merged) break
      await new Promise((r) => setTimeout(r, 500))
    }
    const cutoff = Date.parse(last.cutoff)
    expect(last.rows.some((r: any) => Date.parse(r.windowStart) < cutoff)).toBe(true) // from the batch version
    expect(last.rows.some((r: any) => Date.parse(r.windowStart) >= cutoff)).toBe(true) // from the speed layer
    expect(Date.now() - started).toBeLessThan(60_000)
    const exit = new Promise<number | null>((done) => child!.once('exit', (code) => done(code)))
    child.kill('SIGTERM')
    expect(await exit).toBe(0)
  }, 90_000)
})
