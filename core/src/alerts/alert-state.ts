import { createHash } from 'node:crypto'
import type { AlertEvent, AlertNotification } from '../contracts/notification.ts'
import type { Scalar } from '../schema/value-kind.ts'
import type { AlertDef } from './define-alert.ts'

/** Where an alert of one group stands. (No state: the condition does not hold.) */
export type AlertStatus = 'pending' | 'firing' | 'resolved'

/**
 * The state of one rule for one group (or the total), as the realtime store keeps it: what the
 * next evaluation steps from, and the notification recorded but not yet confirmed sent (`outbox`),
 * which a restarted evaluator sends again, with the same id.
 */
export interface AlertGroupState {
  rule: string
  /** The group's keys by name; `{}` for a rule over the total. */
  group: Record<string, Scalar>
  status: AlertStatus
  /** When the condition began to hold. */
  activeSince: number
  firedAt: number | null
  resolvedAt: number | null
  /** The compared value at the last evaluation. */
  value: number | null
  evaluatedAt: number
  /** When the last notification of this firing was made (firing, re-notification, resolve). */
  notifiedAt: number | null
  /** Notifications made for this firing so far. */
  sequence: number
  /** A notification made and not yet sent (delivered or dead-lettered on every channel). */
  outbox: AlertNotification | null
}

/** What one evaluation saw for a group. */
export interface AlertObservation {
  value: number | null
  breaking: boolean
  at: number
  range: { from: number; to: number }
}

/** How long a resolved state is kept (listed in `pipeline.alerts`) after it resolved. */
export const KEEP_RESOLVED_MS = 86_400_000

/**
 * The next state of a group after an evaluation at `obs.at` (null: nothing to keep), and the
 * notification to send, if any:
 * - no state or resolved, and the condition holds → pending since now; fires at once when `for` is 0;
 * - pending, holding for `for` (at − activeSince >= forMs) → firing, notified (sequence 1);
 * - pending, no longer holding → no state (it never fired: nothing to tell);
 * - firing and holding, `renotify` since the last notification → notified again (sequence + 1);
 * - firing, no longer holding → resolved, notified (sequence + 1);
 * - resolved and not holding → kept (listed) until KEEP_RESOLVED_MS after it resolved.
 * A state whose outbox is not yet sent is not stepped (the caller sends it first), so no
 * notification is ever replaced by the next one.
 */
export function stepAlertState(rule: AlertDef, group: Record<string, Scalar>, prev: AlertGroupState | null, obs: AlertObservation): AlertGroupState | null {
  if (prev?.outbox) return prev
  const seen = { value: obs.value, evaluatedAt: obs.at }
  const notify = (state: AlertGroupState): AlertGroupState => {
    const sequence = state.sequence + 1
    const next = { ...state, sequence, notifiedAt: obs.at }
    return { ...next, outbox: alertNotification(rule, next, obs) }
  }
  if (obs.breaking) {
    if (!prev || prev.status === 'resolved') {
      const pending: AlertGroupState = {
        rule: rule.name,
        group,
        status: 'pending',
        activeSince: obs.at,
        firedAt: null,
        resolvedAt: null,
        ...seen,
        notifiedAt: null,
        sequence: 0,
        outbox: null,
      }
      return rule.forMs === 0 ? notify({ ...pending, status: 'firing', firedAt: obs.at }) : pending
    }
    if (prev.status === 'pending') {
      if (obs.at - prev.activeSince >= rule.forMs) return notify({ ...prev, ...seen, status: 'firing', firedAt: obs.at, sequence: 0 })
      return { ...prev, ...seen }
    }
    if (rule.renotifyMs !== null && prev.notifiedAt !== null && obs.at - prev.notifiedAt >= rule.renotifyMs) return notify({ ...prev, ...seen })
    return { ...prev, ...seen }
  }
  if (!prev || prev.status === 'pending') return null
  if (prev.status === 'firing') return notify({ ...prev, ...seen, status: 'resolved', resolvedAt: obs.at })
  return obs.at - (prev.resolvedAt ?? obs.at) >= KEEP_RESOLVED_MS ? null : { ...prev, ...seen }
}

/** The moment after `at` when the state may change with no new data: a pending `for` ending, a re-notification due. */
export function nextAlertDeadline(rule: AlertDef, state: AlertGroupState): number | null {
  if (state.status === 'pending') return state.activeSince + rule.forMs
  if (state.status === 'firing' && rule.renotifyMs !== null && state.notifiedAt !== null) return state.notifiedAt + rule.renotifyMs
  return null
}

/** The key a group's state is stored under: the rule and the group's key values. */
export function alertStateKey(rule: string, group: Record<string, Scalar>): string {
  return `${rule}\u001f${JSON.stringify(Object.entries(group))}`
}

/** The notification of a state that was just notified (firing, re-notification or resolve), with its idempotency key. */
function alertNotification(rule: AlertDef, state: AlertGroupState, obs: AlertObservation): AlertNotification {
  const alert: AlertEvent = {
    rule: rule.name,
    view: rule.view.name,
    measure: rule.measure,
    state: state.status === 'resolved' ? 'resolved' : 'firing',
    group: state.group,
    value: obs.value,
    threshold: rule.threshold,
    condition: rule.condition,
    range: obs.range,
    activeSince: state.activeSince,
    firedAt: state.firedAt!,
    resolvedAt: state.resolvedAt,
    evaluatedAt: obs.at,
    sequence: state.sequence,
  }
  // The same firing's same notification has the same id, whoever makes it and however often.
  const digest = createHash('sha256')
    .update(JSON.stringify([rule.name, Object.entries(state.group), state.firedAt, state.sequence]))
    .digest('hex')
    .slice(0, 32)
  return { kind: 'alert', id: `alert-${digest}`, createdAt: obs.at, alert }
}
