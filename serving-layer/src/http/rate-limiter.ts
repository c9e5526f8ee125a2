import { LRUCache } from 'lru-cache'

/**
 * A token bucket per client: `perMinute` operations a minute, refilled continuously, bursts up to
 * `perMinute`. The most recently seen `maxClients` are tracked (a forgotten client starts full).
 */
export class RateLimiter {
  readonly #buckets: LRUCache<string, { tokens: number; at: number }>

  constructor(
    private readonly perMinute: number,
    maxClients = 10_000,
  ) {
    this.#buckets = new LRUCache({ max: maxClients })
  }

  /** Takes one token; returns 0 when allowed, else the seconds until the next token. */
  take(client: string, now: number): number {
    const rate = this.perMinute / 60_000
    const bucket = this.#buckets.get(client) ?? { tokens: this.perMinute, at: now }
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + (now - bucket.at) * rate)
    bucket.at = now
    this.#buckets.set(client, bucket)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return 0
    }
    return Math.max(1, Math.ceil((1 - bucket.tokens) / rate / 1000))
  }
}
