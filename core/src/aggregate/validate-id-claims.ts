import type { IdClaim } from '../contracts/realtime-store.ts'
import { TwinflowError } from '../errors/twinflow-error.ts'
import type { Pipeline } from '../view/define-pipeline.ts'

/**
 * Checks the claims of a `RealtimeStore.claimIds` call before a store records any: each names a
 * stream of the pipeline that declares `dedupeBy`, a string key and a log position; the time to live
 * is a positive whole number of ms. Shared by every RealtimeStore.
 */
export function validateIdClaims(pipeline: Pipeline, claims: readonly IdClaim[], ttlMs: number): void {
  if (!Number.isSafeInteger(ttlMs) || ttlMs <= 0) throw new TwinflowError('validation', `invalid id claims: the time to live must be a positive whole number of ms, got ${ttlMs}`)
  if (!Array.isArray(claims)) throw new TwinflowError('validation', 'invalid id claims: not an array')
  for (const claim of claims) {
    const stream = pipeline.streams.find((s) => s.name === claim?.stream)
    if (!stream?.dedupe) throw new TwinflowError('validation', `invalid id claim: stream ${JSON.stringify(claim?.stream)} is not a stream of the pipeline with dedupeBy`)
    const ok = typeof claim.key === 'string' && Number.isSafeInteger(claim.partition) && claim.partition >= 0 && Number.isSafeInteger(claim.offset) && claim.offset >= 0
    if (!ok) {
      throw new TwinflowError(
        'validation',
        `invalid id claim of stream "${claim.stream}": key ${JSON.stringify(claim.key)}, partition ${claim.partition}, offset ${claim.offset}`,
        {
          context: { stream: claim.stream },
        },
      )
    }
  }
}
