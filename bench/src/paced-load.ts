import { quantile } from './stats'

export interface PacedResult {
  rate: number
  requests: number
  p50: number
  p99: number
  errors: number
}

/**
 * An open-loop load at a fixed rate, evenly spaced (unlike a closed loop of N connections, or a
 * per-second budget that fires in bursts): request i is due at start + i/rate whatever happened to
 * the earlier ones, and its latency counts from when it was DUE, so a server that falls behind is
 * charged for the queueing it causes (no coordinated omission).
 */
export async function pacedLoad(url: string, body: string, options: { rate: number; seconds: number }): Promise<PacedResult> {
  const total = Math.max(1, Math.round(options.rate * options.seconds))
  const intervalMs = 1000 / options.rate
  const latencies: number[] = []
  let errors = 0
  const inFlight: Promise<void>[] = []
  const start = performance.now()
  for (let i = 0; i < total; i++) {
    const due = start + i * intervalMs
    const wait = due - performance.now()
    if (wait > 1) await new Promise((r) => setTimeout(r, wait))
    inFlight.push(
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body })
        .then(async (res) => {
          const text = await res.text()
          if (!res.ok || text.includes('"errors"')) errors++
          latencies.push(performance.now() - due)
        })
        .catch(() => {
          errors++
        }),
    )
  }
  await Promise.all(inFlight)
  return { rate: options.rate, requests: total, p50: round(quantile(latencies, 0.5)), p99: round(quantile(latencies, 0.99)), errors }
}

const round = (ms: number) => Math.round(ms * 10) / 10
