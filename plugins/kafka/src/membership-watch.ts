import { rootCause } from './root-cause.ts'

/** The error types with which the coordinator refuses a request of a member it no longer has. */
const EXPIRED = new Set(['UNKNOWN_MEMBER_ID', 'ILLEGAL_GENERATION'])

/**
 * Tells when a consumer-group member has to be restarted because the group no longer knows it and
 * kafkajs has not rejoined on its own.
 *
 * kafkajs (2.2.4) rejoins when a heartbeat answers UNKNOWN_MEMBER_ID: it clears the member id, then
 * joins. When that join fails (the coordinator is not available yet, as after a broker pause), its
 * fetch loop goes on with no member id: heartbeats are skipped without one, so nothing fails again
 * and it never rejoins, while every offset commit fails with UNKNOWN_MEMBER_ID (seen in the
 * kafka-pause end-to-end scenario: records handled, the group's lag stuck). Offset commits are the
 * signal: when they have failed that way for longer than `graceMs` (kafkajs rejoins within a
 * session timeout when it can) with no join since, the member is due a restart.
 */
export class MembershipWatch {
  #expiredSince: number | null = null

  constructor(private readonly graceMs: number) {}

  /** The member joined the group (again). */
  joined(): void {
    this.#expiredSince = null
  }

  /** An offset commit failed at `now`; true when the member should be restarted now. */
  commitFailed(error: unknown, now: number): boolean {
    const cause = rootCause(error)
    const type = typeof cause === 'object' && cause !== null ? (cause as { type?: unknown }).type : undefined
    if (typeof type !== 'string' || !EXPIRED.has(type)) return false
    this.#expiredSince ??= now
    if (now - this.#expiredSince < this.graceMs) return false
    // Restarted once per grace period at most: the restart's own join clears this.
    this.#expiredSince = now
    return true
  }
}
