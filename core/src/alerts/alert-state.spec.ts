import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { count, defineAlert, defineStream, defineView, sum, t, type Duration } from '../index.ts'
import { KEEP_RESOLVED_MS, nextAlertDeadline, stepAlertState, type AlertGroupState, type AlertObservation } from './alert-state.ts'

const stream = defineStream('orders', { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
const view = defineView('revenue', stream, { groupBy: (o) => ({ shop: o.shop }), window: '1m', measures: (o) => ({ n: count(), cents: sum(o.cents) }) })
const M = 60_000
const rule = (spec: { for?: Duration; renotify?: Duration } = {}) => defineAlert(view, { name: 'drop', measure: 'cents', range: '5m', below: 100, ...spec })
const group = { shop: 'north' }
const obs = (at: number, breaking: boolean, value = breaking ? 10 : 500): AlertObservation => ({ at, breaking, value, range: { from: at - 5 * M, to: at } })
/** Steps through the observations, sending each notification at once (the outbox emptied), as the evaluator does. */
function run(r: ReturnType<typeof rule>, observations: AlertObservation[]) {
  let state: AlertGroupState | null = null
  const sent: { state: string; sequence: number; at: number; id: string }[] = []
  for (const o of observations) {
    state = stepAlertState(r, group, state, o)
    if (state?.outbox) {
      sent.push({ state: state.outbox.alert.state, sequence: state.outbox.alert.sequence, at: o.at, id: state.outbox.id })
      state = { ...state, outbox: null }
    }
  }
  return { state, sent }
}

describe('stepAlertState', () => {
  it('fires at once without `for`, once; resolves once, when the condition stops holding', () => {
    const { sent, state } = run(rule(), [obs(0, true), obs(M, true), obs(2 * M, true), obs(3 * M, false), obs(4 * M, false)])
    expect(sent.map((s) => [s.state, s.sequence, s.at])).toEqual([
      ['firing', 1, 0],
      ['resolved', 2, 3 * M],
    ])
    expect(state).toMatchObject({ status: 'resolved', firedAt: 0, resolvedAt: 3 * M })
  })

  it('stays pending for `for`, fires when it has held that long, and forgets a pending that stops holding', () => {
    const r = rule({ for: '2m' })
    expect(run(r, [obs(0, true), obs(M, true), obs(1.5 * M, false), obs(2 * M, true)]).sent).toEqual([])
    const { sent } = run(r, [obs(0, true), obs(M, true), obs(2 * M - 1, true), obs(2 * M, true)])
    expect(sent.map((s) => [s.state, s.at])).toEqual([['firing', 2 * M]])
  })

  it('re-notifies while firing, each `renotify` after the last notification, with the next sequence', () => {
    const { sent } = run(rule({ renotify: '10m' }), [obs(0, true), obs(9 * M, true), obs(10 * M, true), obs(15 * M, true), obs(20 * M, true), obs(21 * M, false)])
    expect(sent.map((s) => [s.state, s.sequence, s.at])).toEqual([
      ['firing', 1, 0],
      ['firing', 2, 10 * M],
      ['firing', 3, 20 * M],
      ['resolved', 4, 21 * M],
    ])
    expect(new Set(sent.map((s) => s.id)).size).toBe(4)
  })

  it('does not step a state whose notification is not sent yet', () => {
    const fired = stepAlertState(rule(), group, null, obs(0, true))!
    expect(fired.outbox).not.toBeNull()
    expect(stepAlertState(rule(), group, fired, obs(M, false))).toBe(fired)
  })

  it('gives a notification the same id however often it is made from the same state (a restart)', () => {
    const a = stepAlertState(rule(), group, null, obs(0, true))!
    const b = stepAlertState(rule(), group, null, { ...obs(0, true), value: 11 })!
    expect(a.outbox!.id).toBe(b.outbox!.id)
    expect(stepAlertState(rule(), { shop: 'south' }, null, obs(0, true))!.outbox!.id).not.toBe(a.outbox!.id)
  })

  it('keeps a resolved state a day, and fires anew with a new id when the condition holds again', () => {
    const first = run(rule(), [obs(0, true), obs(M, false)])
    const again = run(rule(), [obs(0, true), obs(M, false), obs(2 * M, true)])
    expect(again.sent.at(-1)).toMatchObject({ state: 'firing', sequence: 1 })
    expect(again.sent.at(-1)!.id).not.toBe(first.sent[0]!.id)
    expect(run(rule(), [obs(0, true), obs(M, false), obs(M + KEEP_RESOLVED_MS, false)]).state).toBeNull()
  })

  it('says when a state changes with no new data: the end of `for`, the next re-notification', () => {
    const r = rule({ for: '3m', renotify: '1h' })
    const pending = stepAlertState(r, group, null, obs(M, true))!
    expect(nextAlertDeadline(r, pending)).toBe(4 * M)
    const firing = { ...stepAlertState(r, group, pending, obs(4 * M, true))!, outbox: null }
    expect(nextAlertDeadline(r, firing)).toBe(4 * M + 60 * M)
  })

  it('for any sequence of evaluations: notifications alternate firing/resolved, one firing per firing, each at least `for` after it began to hold', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 1, max: 10 * M }), breaking: fc.boolean() }), { maxLength: 60 }),
        fc.constantFrom(0, M, 5 * M),
        fc.option(fc.constantFrom(3 * M, 30 * M), { nil: undefined }),
        (steps, forMs, renotifyMs) => {
          const r = defineAlert(view, { name: 'drop', measure: 'cents', range: '5m', below: 100, for: forMs, ...(renotifyMs ? { renotify: renotifyMs } : {}) })
          let at = 0
          const observations = steps.map((s) => obs((at += s.gap), s.breaking))
          const { sent } = run(r, observations)
          let firing = false
          let lastNotified = -Infinity
          for (const n of sent) {
            if (n.state === 'resolved') {
              expect(firing).toBe(true)
              firing = false
            } else if (!firing) {
              firing = true
              expect(n.sequence).toBe(1)
            } else {
              expect(renotifyMs).toBeDefined()
              expect(n.at - lastNotified).toBeGreaterThanOrEqual(renotifyMs!)
            }
            lastNotified = n.at
          }
          expect(new Set(sent.map((n) => n.id)).size).toBe(sent.length)
          // a firing follows `for` of holding: the observation before it that started the streak
          for (const n of sent.filter((s) => s.state === 'firing' && s.sequence === 1)) {
            const index = observations.findIndex((o) => o.at === n.at)
            let start = index
            while (start > 0 && observations[start - 1]!.breaking) start--
            expect(n.at - observations[start]!.at).toBeGreaterThanOrEqual(forMs)
          }
        },
      ),
    )
  })
})
