import { createHash } from 'node:crypto'
import type { FileHandle } from 'node:fs/promises'

/** SHA-256 (first 16 hex digits) of a file's first `bytes` bytes, or of all of it if it is shorter. */
export async function fingerprint(handle: FileHandle, bytes: number): Promise<{ fp: string; fpBytes: number }> {
  const buffer = Buffer.alloc(bytes)
  let got = 0
  while (got < bytes) {
    const { bytesRead } = await handle.read(buffer, got, bytes - got, got)
    if (bytesRead === 0) break
    got += bytesRead
  }
  return { fp: createHash('sha256').update(buffer.subarray(0, got)).digest('hex').slice(0, 16), fpBytes: got }
}
