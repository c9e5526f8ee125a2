import type { Admin } from 'kafkajs'
import { quantile, roundToTenth } from './stats.ts'

export interface ProbeResult {
  reads: number
  p50: number
  p99: number
}

/**
 * Reads a topic's end offsets the way the serving layer does for an answer's pending-event count
 * (kafkajs `admin.fetchTopicOffsets`), from the benchmark's own process, one read every
 * `intervalMs` while a measure runs: what the broker and the client give that read under the
 * measure's load, with no Twinflow code in the way. `stop` ends it and returns the latencies.
 */
export function probeEndOffsets(admin: Admin, topic: string, intervalMs = 20): { stop(): Promise<ProbeResult> } {
  const latencies: number[] = []
  let running = true
  const loop = (async () => {
    while (running) {
      const started = performance.now()
      await admin.fetchTopicOffsets(topic)
      latencies.push(performance.now() - started)
      await new Promise((r) => setTimeout(r, intervalMs))
    }
  })()
  // A failed read ends the probe; `stop` reports it (no unhandled rejection meanwhile).
  loop.catch(() => {})
  return {
    async stop() {
      running = false
      await loop
      return { reads: latencies.length, p50: roundToTenth(quantile(latencies, 0.5)), p99: roundToTenth(quantile(latencies, 0.99)) }
    },
  }
}
