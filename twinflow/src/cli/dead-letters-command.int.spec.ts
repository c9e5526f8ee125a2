import { execFile } from 'node:child_process'
import { resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startOnlineStore, POISON, type OnlineStoreFixture } from '../app/testing/online-store-fixture.ts'

const BIN = resolve(import.meta.dirname, '../../bin/twinflow.mjs')
// Asynchronous: the server answering the CLI runs in this process.
const cli = (args: string[]) =>
  new Promise<{ code: number | null; out: string }>((done) =>
    execFile(process.execPath, [BIN, 'dead-letters', ...args], { env: { ...process.env, TWINFLOW_LOG_LEVEL: 'warn' } }, (error, stdout, stderr) =>
      done({ code: error ? ((error as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    ),
  )

describe('twinflow dead-letters', () => {
  let fixture: OnlineStoreFixture
  beforeAll(async () => {
    fixture = await startOnlineStore()
  })
  afterAll(() => fixture?.twinflow.stop())

  it('prints what pipeline.rejectedInputs answers: newest first, reason, position, payload', async () => {
    const { code, out } = await cli(['--stream', 'orders', '--url', fixture.twinflow.url!])
    expect(code).toBe(0)
    const lines = out.trim().split('\n')
    expect(lines.filter((l) => / archiver twinflow\.orders\[\d\]@\d+: /.test(l))).toHaveLength(POISON.length)
    expect(out).toContain(JSON.stringify(POISON[2]))
    expect(lines.at(-1)).toBe(`(${POISON.length})`)
    const json = await cli(['--stream', 'orders', '--url', fixture.twinflow.url!, '--json', '--reason', 'invalid-json'])
    expect(
      json.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).payload),
    ).toEqual([POISON[0]])
  })

  it('says what is wrong: a missing stream option, an unknown stream, no server', async () => {
    expect(await cli(['--url', fixture.twinflow.url!])).toMatchObject({ code: 2, out: expect.stringMatching(/usage: twinflow dead-letters --stream <name>/) })
    expect((await cli(['--stream', 'payments', '--url', fixture.twinflow.url!])).out).toMatch(/unknown stream "payments"/)
    expect((await cli(['--stream', 'orders', '--url', 'http://127.0.0.1:1/graphql'])).out).toMatch(/no Twinflow server answers at http:\/\/127\.0\.0\.1:1\/graphql/)
  })
})
