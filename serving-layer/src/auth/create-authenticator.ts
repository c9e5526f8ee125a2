import { TwinflowError, type Pipeline } from '@twinflow/core'
import { ApiKeyAuthenticator } from './api-key-authenticator.ts'
import type { Authenticator } from './authenticator.ts'
import type { AuthOptions } from './auth-options.ts'
import { JwtAuthenticator } from './jwt-authenticator.ts'

/** The authenticator of the configured mode (null for `none`); view names are checked against the pipeline. */
export function createAuthenticator(options: AuthOptions, pipeline: Pipeline): Authenticator | null {
  if (options.mode === 'none') return null
  if (options.mode === 'jwt') return new JwtAuthenticator(options)
  const known = new Set(pipeline.views.map((v) => v.name))
  const digests = new Set<string>()
  options.keys.forEach((key, i) => {
    const where = `serving.auth.keys[${i}] ("${key.name}")`
    if (!/^[0-9a-fA-F]{64}$/.test(key.sha256)) throw new TwinflowError('config', `${where}: sha256 must be the 64 hex digits of the key's SHA-256`)
    if (digests.has(key.sha256.toLowerCase())) throw new TwinflowError('config', `${where}: the same key is configured twice`)
    digests.add(key.sha256.toLowerCase())
    for (const view of key.views) {
      if (view !== '*' && !known.has(view)) throw new TwinflowError('config', `${where}: unknown view "${view}"; views: ${[...known].join(', ')}, or "*" for all`)
    }
  })
  return new ApiKeyAuthenticator(options)
}
