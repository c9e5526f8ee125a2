import type { HttpCaller } from '@twinflow/core'
import { canIngest, canRead, type Principal } from '@twinflow/serving-layer'

/** The caller a plugin's route gets, from the principal the serving layer's authentication found. */
export function httpCallerOf(principal: Principal): HttpCaller {
  return {
    name: principal.name,
    canRead: (view) => canRead(principal, view),
    canIngest: (stream) => canIngest(principal, stream),
  }
}
