import { hostname } from 'node:os'
import { join } from 'node:path'
import { mkdir, open, readdir, readFile, rm, unlink } from 'node:fs/promises'
import { TwinflowError } from '@twinflow/core'

/** What a lock file says of the process that holds the directory. */
export interface LockHolder {
  pid: number
  hostname: string
  command: string
  startedAt: string
}

const LOCK_FILE = 'twinflow.lock'

/**
 * One process at a time per data directory: a lock file (`twinflow.lock`) created exclusively, with
 * the holder's PID, host, command and start time. A lock left by a process that is gone (same host,
 * no such PID) is taken over; one held by a live process, or by another host (where liveness
 * cannot be checked), is refused with a `config` error that names the directory and the holder.
 * The takeover of a stale lock is a check then a removal, not one step: two processes that start
 * over the same stale lock within that instant could both take it.
 */
export class DataDirectoryLock {
  private constructor(
    readonly dir: string,
    readonly holder: LockHolder,
  ) {}

  static async acquire(dir: string, command: string): Promise<DataDirectoryLock> {
    await mkdir(dir, { recursive: true })
    const path = join(dir, LOCK_FILE)
    const holder: LockHolder = { pid: process.pid, hostname: hostname(), command, startedAt: new Date().toISOString() }
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        const file = await open(path, 'wx')
        try {
          await file.writeFile(`${JSON.stringify(holder)}\n`)
        } finally {
          await file.close()
        }
        return new DataDirectoryLock(dir, holder)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
          throw new TwinflowError('config', `cannot lock the data directory ${dir}: ${(error as Error).message}`, { cause: error })
      }
      const text = await readFile(path, 'utf8').catch(() => '')
      const current = parseHolder(text)
      if (current && isLive(current)) throw held(dir, current)
      // Stale (its process is gone) or unreadable (a holder that died while writing it): take over,
      // unless another process did so since it was read.
      if ((await readFile(path, 'utf8').catch(() => '')) === text) await unlink(path).catch(() => {})
    }
    throw new TwinflowError('config', `cannot lock the data directory ${dir}: another process keeps taking it`)
  }

  /** Deletes everything in the directory but the lock (`dev --reset`). */
  async clear(): Promise<void> {
    for (const entry of await readdir(this.dir)) if (entry !== LOCK_FILE) await rm(join(this.dir, entry), { recursive: true, force: true })
  }

  /** Removes the lock file if it is still this process's. */
  async release(): Promise<void> {
    const path = join(this.dir, LOCK_FILE)
    const current = await readHolder(path)
    if (current?.pid === this.holder.pid && current.hostname === this.holder.hostname) await unlink(path).catch(() => {})
  }
}

async function readHolder(path: string): Promise<LockHolder | null> {
  return parseHolder(await readFile(path, 'utf8').catch(() => ''))
}

function parseHolder(text: string): LockHolder | null {
  try {
    const parsed = JSON.parse(text) as Partial<LockHolder>
    return typeof parsed.pid === 'number' && typeof parsed.hostname === 'string' ? (parsed as LockHolder) : null
  } catch {
    return null
  }
}

function isLive(holder: LockHolder): boolean {
  if (holder.hostname !== hostname()) return true
  try {
    process.kill(holder.pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function held(dir: string, holder: LockHolder): TwinflowError {
  const where = holder.hostname === hostname() ? `PID ${holder.pid}` : `PID ${holder.pid} on host ${holder.hostname}`
  return new TwinflowError(
    'config',
    `the data directory ${dir} is in use by another Twinflow process (${where}, "${holder.command}", since ${holder.startedAt}): ` +
      'embedded runtimes keep their state there, and one process at a time may use it. Stop that process, or give this one another ' +
      'data directory (dataDir in the config, or TWINFLOW_DATA_DIR).',
    { context: { dataDir: dir, holder } },
  )
}
