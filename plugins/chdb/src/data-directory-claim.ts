import { resolve } from 'node:path'
import { TwinflowError } from '@twinflow/core'

interface ClaimState {
  /** Absolute data directory bound in this process, or null when no chdb driver is open. */
  path: string | null
  holders: number
}

// Process-wide, under a registered symbol so that duplicated copies of this module share it.
const KEY = Symbol.for('@twinflow/plugin-chdb/data-directory')
const globals = globalThis as Record<symbol, unknown>
const state = (globals[KEY] ??= { path: null, holders: 0 }) as ClaimState

/**
 * The process's one chdb data directory, shared by the chdb drivers of the process: `check` before
 * opening a session, `acquire` once it is open, `release` on close.
 */
export const dataDirectoryClaim = {
  /**
   * Throws a `config` error, saying why, when another driver holds a directory other than
   * `requested` (the configured path, or null for a fresh temporary directory, always different).
   */
  check(requested: string | null): void {
    if (state.path === null) return
    const wanted = requested === null ? null : resolve(requested)
    if (wanted === state.path) return
    throw new TwinflowError(
      'config',
      `a chdb driver is already open on ${state.path} in this process, and this one wants ${wanted ?? 'a fresh temporary directory'}. ` +
        'chdb embeds ClickHouse in the process and binds ONE data directory per process: give every chdb driver of a process the same "path" option, ' +
        'close the other driver first, or run the second one in another process.',
      { context: { openPath: state.path, requestedPath: wanted } },
    )
  },

  /** Records that a driver opened a session on `path`. */
  acquire(path: string): void {
    state.path = resolve(path)
    state.holders++
  },

  /** Releases a claim; the directory is free again once the last driver has closed. */
  release(): void {
    state.holders = Math.max(0, state.holders - 1)
    if (state.holders === 0) state.path = null
  },
}
