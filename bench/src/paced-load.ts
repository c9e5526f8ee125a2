import { Agent } from 'node:http'
import { postJson } from './post-json.ts'
import { quantile, roundToTenth } from './stats.ts'

export interface PacedResult {
  rate: number
  requests: number
  p50: number
  p99: number
  errors: number
  /** What the first failed request got (status and body, or the socket's error). */
  firstError: string | null
}

/**
 * An open-loop load at a fixed rate, evenly spaced (unlike a closed loop of N connections, or a
 * per-second budget that fires in bursts): request i is due at start + i/rate whatever happened to
 * the earlier ones, and its latency counts from when it was DUE, so a server that falls behind is
 * charged for the queueing it causes (no coordinated omission).
 *
 * Requests go through node:http with a keep-alive agent, not fetch: the load generator shares the
 * machine's cores with the server it measures, and fetch (undici, WHATWG streams) costs several
 * times the CPU per request, which showed up as the server's queueing on 2 cores.
 */
export async function pacedLoad(url: string, body: string, options: { rate: number; seconds: number }): Promise<PacedResult> {
  const total = Math.max(1, Math.round(options.rate * options.seconds))
  const intervalMs = 1000 / options.rate
  // An idle socket is closed here after 4 s, before the server's keep-alive timeout (Node's default
  // 5 s) closes it: otherwise a request sent on a socket the server is closing at that moment fails
  // with ECONNRESET (Node's agent heeds the server's Keep-Alive hint only when it has a timeout).
  const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 })
  const payload = Buffer.from(body)
  const latencies: number[] = []
  let errors = 0
  let firstError: string | null = null
  const failed = (reason: string) => {
    errors++
    firstError ??= reason
  }
  const inFlight: Promise<void>[] = []
  const start = performance.now()
  try {
    for (let i = 0; i < total; i++) {
      const due = start + i * intervalMs
      const wait = due - performance.now()
      if (wait > 1) await new Promise((r) => setTimeout(r, wait))
      inFlight.push(
        postJson(url, payload, agent).then(
          ({ status, text }) => {
            if (status !== 200 || text.includes('"errors"')) failed(`HTTP ${status}: ${text.slice(0, 300)}`)
            latencies.push(performance.now() - due)
          },
          (error: Error) => failed(error.message),
        ),
      )
    }
    await Promise.all(inFlight)
  } finally {
    agent.destroy()
  }
  return { rate: options.rate, requests: total, p50: roundToTenth(quantile(latencies, 0.5)), p99: roundToTenth(quantile(latencies, 0.99)), errors, firstError }
}
