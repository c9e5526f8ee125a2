/**
 * A token bucket: `ratePerSecond` tokens a second, refilled continuously, holding at most
 * `capacity`. It may be charged into debt (a request's events are counted once read): then it
 * refuses until refilled above zero. Time is given by the caller (epoch ms, non-decreasing).
 */
export class TokenBucket {
  #tokens: number
  #at: number

  constructor(
    readonly ratePerSecond: number,
    readonly capacity: number,
    now: number,
  ) {
    this.#tokens = capacity
    this.#at = now
  }

  /** Tokens now (negative while in debt). */
  tokens(now: number): number {
    if (now > this.#at) {
      this.#tokens = Math.min(this.capacity, this.#tokens + ((now - this.#at) * this.ratePerSecond) / 1000)
      this.#at = now
    }
    return this.#tokens
  }

  /** Takes `n` tokens if there are; returns 0 when taken, else the ms until there will be. */
  take(n: number, now: number): number {
    const tokens = this.tokens(now)
    if (tokens >= n) {
      this.#tokens -= n
      return 0
    }
    return Math.ceil(((n - tokens) * 1000) / this.ratePerSecond)
  }

  /** The ms until the bucket holds more than nothing (0 when it does now). */
  waitForCredit(now: number): number {
    const tokens = this.tokens(now)
    return tokens > 0 ? 0 : Math.floor((-tokens * 1000) / this.ratePerSecond) + 1
  }

  /** Takes `n` tokens, going into debt if there are fewer. */
  charge(n: number, now: number): void {
    this.tokens(now)
    this.#tokens -= n
  }
}
