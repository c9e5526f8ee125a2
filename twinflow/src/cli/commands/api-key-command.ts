import { createHash, randomBytes } from 'node:crypto'
import { TwinflowError } from '@twinflow/core'
import type { Command } from '../command-context.ts'

/** `twinflow api-key <name> [--views a,b] [--ingest s,t]`: a random key, and the config entry that holds its SHA-256. */
export const apiKeyCommand: Command = async ({ args, options }) => {
  const name = args[0]
  if (!name) throw new TwinflowError('config', 'usage: twinflow api-key <name> [--views view1,view2] [--ingest stream1,stream2]')
  const key = randomBytes(32).toString('base64url')
  const list = (text: string) =>
    text
      .split(',')
      .map((v) => v.trim())
      .filter(Boolean)
  // A key made to send events only (--ingest alone) reads no view.
  const views = list(options.views ?? (options.ingest === undefined ? '*' : ''))
  const ingest = list(options.ingest ?? '')
  const entry = { name, sha256: createHash('sha256').update(key).digest('hex'), views, ...(ingest.length > 0 ? { ingest } : {}) }
  console.log(`API key for "${name}" (give it to the client; it is not stored anywhere):\n\n  ${key}\n`)
  console.log(`Add this to serving.auth.keys (with "mode": "api-key") in the config:\n\n  ${JSON.stringify(entry)}`)
  return 0
}
