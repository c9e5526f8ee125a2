import { TokenBucket } from './token-bucket.ts'

export interface RateLimitOptions {
  /** One bucket per caller (API key name or JWT subject), or one for the stream. */
  per: 'caller' | 'stream'
  requestsPerSecond?: number | undefined
  eventsPerSecond?: number | undefined
  /** Bursts of this many seconds' worth are allowed. */
  burstSeconds: number
}

/** Buckets kept at most (the least recently used are forgotten, and start full when seen again). */
const MAX_BUCKETS = 10_000

/**
 * The ingest route's rate limits: token buckets of requests and of events per second, per caller or
 * for the stream. A request is admitted when its bucket has a request token and the events bucket
 * is not in debt; its events are charged once its body is read (so one large request may take the
 * events bucket into debt, and the next requests wait until it is repaid).
 */
export class RateLimits {
  readonly #buckets = new Map<string, { requests: TokenBucket | null; events: TokenBucket | null }>()

  constructor(private readonly options: RateLimitOptions) {}

  /** 0 when the caller's request is admitted now (a request token taken), else the seconds to wait (Retry-After). */
  admit(caller: string, now: number): number {
    const buckets = this.#of(caller, now)
    const eventsWait = buckets.events?.waitForCredit(now) ?? 0
    if (eventsWait > 0) return Math.ceil(eventsWait / 1000)
    const requestWait = buckets.requests?.take(1, now) ?? 0
    return requestWait > 0 ? Math.ceil(requestWait / 1000) : 0
  }

  /** Charges a request's `events` to the caller's events bucket. */
  charge(caller: string, events: number, now: number): void {
    this.#of(caller, now).events?.charge(events, now)
  }

  #of(caller: string, now: number) {
    const id = this.options.per === 'stream' ? '' : caller
    let buckets = this.#buckets.get(id)
    if (buckets) this.#buckets.delete(id)
    else {
      const { requestsPerSecond: rps, eventsPerSecond: eps, burstSeconds } = this.options
      buckets = {
        requests: rps === undefined ? null : new TokenBucket(rps, Math.max(1, rps * burstSeconds), now),
        events: eps === undefined ? null : new TokenBucket(eps, Math.max(1, eps * burstSeconds), now),
      }
      if (this.#buckets.size >= MAX_BUCKETS) this.#buckets.delete(this.#buckets.keys().next().value!)
    }
    this.#buckets.set(id, buckets)
    return buckets
  }
}
