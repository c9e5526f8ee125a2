import type { TrackedFile } from './file-checkpoint.ts'
import type { FileFormat } from './file-format.ts'

/** A file as it is now. */
export interface FileStat {
  ino: string
  size: number
  mtimeMs: number
}

/**
 * What happened to a tracked file since it was last read:
 * - `unchanged`: same inode, size and mtime (or only its mtime moved, and its first bytes are the same);
 * - `grown`: same inode and first bytes, larger: records were appended (read on from the offset);
 * - `replaced`: another inode under the name (a new file moved over it);
 * - `truncated`: smaller than it was (emptied or cut, as copy-truncate log rotation does);
 * - `rewritten`: its first bytes changed, or a file that cannot grow by appending (a closed JSON
 *   array, a Parquet file) changed.
 * `replaced`, `truncated` and `rewritten` mean the content under the name is new: it is read again
 * from its start. A change that keeps the size and the first bytes (FINGERPRINT_BYTES) and only
 * moves the mtime is not seen as one.
 */
export type FileChange = 'unchanged' | 'grown' | 'replaced' | 'truncated' | 'rewritten'

/** Classifies a change; `fingerprint` hashes the file's first `bytes` bytes now (called only when size or mtime moved). */
export async function classifyChange(tracked: TrackedFile, now: FileStat, format: FileFormat, fingerprint: (bytes: number) => Promise<string>): Promise<FileChange> {
  if (tracked.ino !== '' && now.ino !== '' && tracked.ino !== now.ino) return 'replaced'
  if (now.size < tracked.size) return 'truncated'
  if (now.size === tracked.size && now.mtimeMs === tracked.mtimeMs) return 'unchanged'
  if ((await fingerprint(tracked.fpBytes)) !== tracked.fp) return 'rewritten'
  if (now.size === tracked.size) return 'unchanged'
  if (format === 'parquet' || tracked.closed) return 'rewritten'
  return 'grown'
}
