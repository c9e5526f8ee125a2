import { Agent } from 'node:http'
import { postJson } from './post-json.ts'

/** One request of a steady load: when it was due (epoch ms), its latency from then, and whether it was answered without error. */
export interface QuerySample {
  due: number
  ms: number
  ok: boolean
}

export interface SteadyQueries {
  readonly samples: QuerySample[]
  /** The first failure, for the report. */
  readonly firstError: () => string | null
  /** Stops sending and waits for the requests in flight. */
  stop(): Promise<void>
}

/**
 * An open-loop load that runs until stopped: request i is due at start + i/rate (the bodies taken in
 * turn), whatever happened to the earlier ones, and its latency counts from when it was due (as
 * pacedLoad, without an end).
 */
export function steadyQueries(url: string, bodies: readonly string[], rate: number): SteadyQueries {
  const agent = new Agent({ keepAlive: true, maxSockets: 64, timeout: 4000 })
  const payloads = bodies.map((b) => Buffer.from(b))
  const samples: QuerySample[] = []
  const inFlight = new Set<Promise<void>>()
  let firstError: string | null = null
  let stopped = false
  const start = performance.now()
  const origin = Date.now() - start
  const loop = (async () => {
    for (let i = 0; !stopped; i++) {
      const due = start + (i * 1000) / rate
      const wait = due - performance.now()
      if (wait > 1) await new Promise((r) => setTimeout(r, wait))
      if (stopped) break
      const request = postJson(url, payloads[i % payloads.length]!, agent).then(
        ({ status, text }) => {
          const ok = status === 200 && !text.includes('"errors"')
          if (!ok) firstError ??= `HTTP ${status}: ${text.slice(0, 300)}`
          samples.push({ due: origin + due, ms: performance.now() - due, ok })
        },
        (error: Error) => {
          firstError ??= error.message
          samples.push({ due: origin + due, ms: performance.now() - due, ok: false })
        },
      )
      inFlight.add(request)
      void request.finally(() => inFlight.delete(request))
    }
  })()
  return {
    samples,
    firstError: () => firstError,
    async stop() {
      stopped = true
      await loop
      await Promise.all(inFlight)
      agent.destroy()
    },
  }
}
