import { TwinflowError, type Pipeline } from '@twinflow/core'
import { ApiKeyAuthenticator } from './api-key-authenticator.ts'
import type { Authenticator } from './authenticator.ts'
import type { AuthOptions } from './auth-options.ts'
import { JwtAuthenticator } from './jwt-authenticator.ts'

/**
 * The authenticator of the configured mode (null for `none`), from options authOptionsSchema
 * parsed; what needs the pipeline is checked here: every view and stream a key names exists, no key twice.
 */
export function createAuthenticator(options: AuthOptions, pipeline: Pipeline): Authenticator | null {
  if (options.mode === 'none') return null
  if (options.mode === 'jwt') return new JwtAuthenticator(options)
  const known = new Set(pipeline.views.map((v) => v.name))
  const streams = new Set(pipeline.streams.map((s) => s.name))
  const digests = new Set<string>()
  options.keys.forEach((key, i) => {
    const where = `serving.auth.keys[${i}] ("${key.name}")`
    if (digests.has(key.sha256.toLowerCase())) throw new TwinflowError('config', `${where}: the same key is configured twice`)
    digests.add(key.sha256.toLowerCase())
    for (const view of key.views) {
      if (view !== '*' && !known.has(view)) throw new TwinflowError('config', `${where}: unknown view "${view}"; views: ${[...known].join(', ')}, or "*" for all`)
    }
    for (const stream of key.ingest ?? []) {
      if (stream !== '*' && !streams.has(stream))
        throw new TwinflowError('config', `${where}.ingest: unknown stream "${stream}"; streams: ${[...streams].join(', ')}, or "*" for all`)
    }
  })
  return new ApiKeyAuthenticator(options)
}
