import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { hostname, tmpdir } from 'node:os'
import { join } from 'node:path'
import { TwinflowError } from '@twinflow/core'
import { afterAll, describe, expect, it } from 'vitest'
import { DataDirectoryLock } from './data-directory-lock.ts'

const root = mkdtempSync(join(tmpdir(), 'twinflow-lock-'))
let dirs = 0
const fresh = () => join(root, `d${++dirs}`)
const lockFile = (dir: string) => join(dir, 'twinflow.lock')

describe('DataDirectoryLock', () => {
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('is taken once: a second acquire fails with the directory and the holder, and release frees it', async () => {
    const dir = fresh()
    const lock = await DataDirectoryLock.acquire(dir, 'twinflow dev')
    expect(JSON.parse(readFileSync(lockFile(dir), 'utf8'))).toMatchObject({ pid: process.pid, hostname: hostname(), command: 'twinflow dev' })
    const error = await DataDirectoryLock.acquire(dir, 'twinflow start').catch((e: unknown) => e)
    expect(TwinflowError.is(error, 'config')).toBe(true)
    expect((error as Error).message).toContain(`the data directory ${dir} is in use by another Twinflow process (PID ${process.pid}, "twinflow dev"`)
    await lock.release()
    expect(existsSync(lockFile(dir))).toBe(false)
    await (await DataDirectoryLock.acquire(dir, 'again')).release()
  })

  it("takes over a lock whose process is gone, or that is unreadable; refuses another host's", async () => {
    const stale = fresh()
    await (await DataDirectoryLock.acquire(stale, 'x')).release()
    writeFileSync(lockFile(stale), JSON.stringify({ pid: 2 ** 22 + 12345, hostname: hostname(), command: 'crashed', startedAt: 'then' }))
    const taken = await DataDirectoryLock.acquire(stale, 'new')
    expect(JSON.parse(readFileSync(lockFile(stale), 'utf8')).command).toBe('new')
    await taken.release()
    writeFileSync(lockFile(stale), '{"pid": 12')
    await (await DataDirectoryLock.acquire(stale, 'after a torn write')).release()
    writeFileSync(lockFile(stale), JSON.stringify({ pid: 1, hostname: 'elsewhere.example', command: 'twinflow dev', startedAt: 'then' }))
    await expect(DataDirectoryLock.acquire(stale, 'here')).rejects.toThrow(/PID 1 on host elsewhere.example/)
  })

  it('clear() empties the directory but keeps the lock; release() leaves a lock it no longer holds', async () => {
    const dir = fresh()
    const lock = await DataDirectoryLock.acquire(dir, 'dev --reset')
    writeFileSync(join(dir, 'data.bin'), 'x')
    await lock.clear()
    expect(existsSync(join(dir, 'data.bin'))).toBe(false)
    expect(existsSync(lockFile(dir))).toBe(true)
    writeFileSync(lockFile(dir), JSON.stringify({ pid: 1, hostname: 'elsewhere.example', command: 'other', startedAt: 'now' }))
    await lock.release()
    expect(existsSync(lockFile(dir))).toBe(true)
  })
})
