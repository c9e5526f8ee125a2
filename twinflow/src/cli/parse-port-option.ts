import { TwinflowError } from '@twinflow/core'

/** `--port`'s value as a port number (0 picks a free one); undefined when not given. */
export function parsePortOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const port = Number(value)
  if (!/^\d+$/.test(value) || port > 65535) throw new TwinflowError('config', `--port must be a port number (0-65535; 0 picks a free one), got "${value}"`)
  return port
}
