import { TOKENS } from '@twinflow/core'
import type { Twinflow } from 'twinflow'

/** Waits until the speed layer (group `twinflow-speed`) has applied every record of every stream's topic. */
export async function caughtUp(twinflow: Twinflow, timeoutMs = 60_000): Promise<void> {
  const log = twinflow.get(TOKENS.EventLog)
  const store = twinflow.get(TOKENS.RealtimeStore)
  const deadline = Date.now() + timeoutMs
  for (;;) {
    let pending = 0
    for (const stream of twinflow.pipeline.streams) {
      const [ends, applied] = await Promise.all([log.endOffsets(stream.topic), store.progress('twinflow-speed', stream.topic)])
      for (const [p, end] of ends) pending += Math.max(0, end - 1 - (applied.get(p) ?? -1))
    }
    if (pending === 0) return
    if (Date.now() > deadline) throw new Error(`the speed layer still has ${pending} records to apply`)
    await new Promise((r) => setTimeout(r, 50))
  }
}
