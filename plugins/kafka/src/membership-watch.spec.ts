import { describe, expect, it } from 'vitest'
import { MembershipWatch } from './membership-watch.ts'

// What kafkajs throws from a commit the coordinator refused: its retrier wraps the protocol error.
const refused = (type: string) => Object.assign(new Error('KafkaJSNonRetriableError'), { cause: Object.assign(new Error(type), { type }) })

describe('MembershipWatch', () => {
  it('asks for a restart once commits have failed with UNKNOWN_MEMBER_ID or ILLEGAL_GENERATION for the grace period, with no join', () => {
    const watch = new MembershipWatch(6000)
    expect(watch.commitFailed(refused('UNKNOWN_MEMBER_ID'), 1000)).toBe(false)
    expect(watch.commitFailed(refused('UNKNOWN_MEMBER_ID'), 6999)).toBe(false)
    expect(watch.commitFailed(refused('ILLEGAL_GENERATION'), 7000)).toBe(true)
    // Not again before another grace period (the restart's join normally clears it first).
    expect(watch.commitFailed(refused('UNKNOWN_MEMBER_ID'), 8000)).toBe(false)
    expect(watch.commitFailed(refused('UNKNOWN_MEMBER_ID'), 13_000)).toBe(true)
  })

  it('a join clears it: kafkajs rejoined on its own', () => {
    const watch = new MembershipWatch(6000)
    expect(watch.commitFailed(refused('UNKNOWN_MEMBER_ID'), 0)).toBe(false)
    watch.joined()
    expect(watch.commitFailed(refused('UNKNOWN_MEMBER_ID'), 6500)).toBe(false)
    expect(watch.commitFailed(refused('UNKNOWN_MEMBER_ID'), 12_499)).toBe(false)
    expect(watch.commitFailed(refused('UNKNOWN_MEMBER_ID'), 12_500)).toBe(true)
  })

  it('other failures (a timeout, a moved coordinator, a plain error) are not a sign', () => {
    const watch = new MembershipWatch(6000)
    for (const [i, error] of [refused('REQUEST_TIMED_OUT'), refused('NOT_COORDINATOR_FOR_GROUP'), new Error('boom'), null].entries()) {
      expect(watch.commitFailed(error, i * 10_000)).toBe(false)
    }
    // A protocol error not wrapped (kafkajs's own type on the error itself) counts too.
    expect(watch.commitFailed(Object.assign(new Error('x'), { type: 'UNKNOWN_MEMBER_ID' }), 100_000)).toBe(false)
    expect(watch.commitFailed(Object.assign(new Error('x'), { type: 'UNKNOWN_MEMBER_ID' }), 106_000)).toBe(true)
  })
})
