/** A signal that aborts with the first of its sources, and the release of its listeners. */
export interface FollowedSignal {
  readonly signal: AbortSignal
  /** Removes the listeners from the sources; call it when the signal is no longer used. */
  dispose(): void
}

/**
 * A signal that aborts, with the same reason, as soon as one of `sources` does (already aborted:
 * at once). Unlike `AbortSignal.any`, it leaves nothing behind in a long-lived source once
 * disposed (Node keeps a record of every signal `AbortSignal.any` makes in each of its sources for
 * as long as the source lives). Sources may be any EventTarget-style AbortSignal (a server
 * adapter's own class too).
 */
export function followSignals(sources: readonly (AbortSignal | undefined)[]): FollowedSignal {
  const controller = new AbortController()
  const listening: { source: AbortSignal; listener: () => void }[] = []
  const dispose = () => {
    for (const { source, listener } of listening.splice(0)) source.removeEventListener('abort', listener)
  }
  for (const source of sources) {
    if (!source) continue
    if (source.aborted) {
      controller.abort(source.reason)
      break
    }
    const listener = () => {
      controller.abort(source.reason)
      dispose()
    }
    source.addEventListener('abort', listener, { once: true })
    listening.push({ source, listener })
  }
  if (controller.signal.aborted) dispose()
  return { signal: controller.signal, dispose }
}
