import { randomUUID } from 'node:crypto'
import {
  alertStateKey,
  breaksRule,
  nextAlertDeadline,
  stepAlertState,
  type AlertGroupState,
  type AlertStateEntry,
  type BatchEngine,
  type Channels,
  type Clock,
  type EventLog,
  type Lease,
  type Logger,
  type RealtimeStore,
} from '@twinflow/core'
import type { AlertReader } from './alert-reader.ts'
import type { ResolvedAlertOptions } from './alert-options.ts'
import type { EnabledRule } from './enabled-rules.ts'

export interface AlertEvaluatorDeps {
  rules: readonly EnabledRule[]
  reader: AlertReader
  store: RealtimeStore
  batch: BatchEngine
  /** The log, whose end offsets at the lease's start the speed layer must reach before a rule of its streams is evaluated. */
  log: Pick<EventLog, 'endOffsets'>
  channels: Pick<Channels, 'send'>
  clock: Clock
  logger: Logger
  /** The speed layer's consumer group, whose recorded progress says when events were applied. */
  speedGroupId: string
}

/** The lease the processes running the alert role share. */
export const ALERT_LEASE = 'alerts'

/** What the evaluator did, for metrics. */
export interface AlertEvaluatorStats {
  leader: boolean
  evaluations: Map<string, { ok: number; failed: number }>
}

/**
 * The alert role: evaluates the enabled rules and notifies their channels, in one process of those
 * that run the role: the holder of the `alerts` lease in the realtime store (taken with the store's
 * `acquireLease`, renewed every third of `leaseTtlMs`; the others try to take it as often, and one
 * does within `leaseTtlMs` after the holder died). The lease's token fences every state it writes.
 *
 * It evaluates the rules of a stream once the speed layer has applied what the log held when it
 * took the lease (a realtime store that is still being rebuilt, after a restart of the embedded
 * runtime or a long outage, would make it resolve what still fires). Then a rule is evaluated
 * when the speed layer applied events to its view's stream (its recorded
 * progress moved: read every `pollIntervalMs`), when its view's batch publication changed (read
 * every `publicationPollMs`), when a state of it may change with time (the end of a `for`, a
 * re-notification due), and at least every `intervalMs`.
 *
 * Each evaluation steps every group's state (pending → firing → resolved, see stepAlertState) and
 * writes the states that changed, a notification to make in the state's outbox, BEFORE sending it;
 * once every channel has it (delivered or dead-lettered, see Channels) the outbox is emptied. A
 * process that dies in between leaves the outbox, and the next holder sends the same notification,
 * with the same id, again: notifications are at-least-once, never lost and never made twice.
 */
export class AlertEvaluator {
  readonly #deps: AlertEvaluatorDeps
  readonly #options: ResolvedAlertOptions
  readonly #logger: Logger
  readonly #token = randomUUID()
  readonly #states = new Map<string, AlertGroupState>()
  readonly #sending = new Map<string, Promise<void>>()
  readonly #retrySendAt = new Map<string, number>()
  /** When each state was last written (its evaluation time then). */
  readonly #writtenAt = new Map<string, number>()
  readonly #due = new Map<string, number>()
  readonly #progress = new Map<string, string>()
  readonly #publications = new Map<string, number>()
  /** Per topic not caught up yet: the log's end offsets when the lease was taken. */
  readonly #catchUp = new Map<string, Map<number, number>>()
  readonly #stats: AlertEvaluatorStats = { leader: false, evaluations: new Map() }
  #lease: Lease | null = null
  #renewedAt = 0
  #publicationsReadAt = -Infinity
  #abort: AbortController | null = null
  #loop: Promise<void> | null = null
  #failing = false

  constructor(deps: AlertEvaluatorDeps, options: ResolvedAlertOptions) {
    this.#deps = deps
    this.#options = options
    this.#logger = deps.logger.child({ component: 'alerts' })
  }

  /** Starts evaluating (or waiting for the lease); resolves at once. With no rule enabled, does nothing. */
  start(): void {
    if (this.#loop) return
    if (this.#deps.rules.length === 0) {
      this.#logger.info('no alert rule is enabled (alerts.rules): the alert role has nothing to do')
      return
    }
    const abort = new AbortController()
    this.#abort = abort
    this.#loop = this.#run(abort.signal)
    this.#logger.info('alert role started', { rules: this.#deps.rules.map((r) => r.rule.name), token: this.#token })
  }

  /** Stops; a notification being sent is cut short (it stays in its outbox for the next holder) and the lease is released. */
  async stop(): Promise<void> {
    this.#abort?.abort(new Error('the alert role is stopping'))
    await this.#loop
    await Promise.allSettled([...this.#sending.values()])
    const lease = this.#lease
    this.#lease = null
    this.#stats.leader = false
    if (lease) await this.#deps.store.releaseLease(lease).catch((error: unknown) => this.#logger.warn('could not release the alerts lease', { error }))
    this.#loop = null
  }

  stats(): AlertEvaluatorStats {
    return { leader: this.#stats.leader, evaluations: new Map([...this.#stats.evaluations].map(([k, v]) => [k, { ...v }])) }
  }

  async #run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.#tick(signal)
        if (this.#failing) this.#logger.info('alert evaluation works again')
        this.#failing = false
      } catch (error) {
        if (signal.aborted) return
        if (!this.#failing) this.#logger.warn('alert evaluation failed; retrying', { error })
        this.#failing = true
      }
      try {
        await this.#deps.clock.sleep(this.#options.pollIntervalMs, signal)
      } catch {
        return
      }
    }
  }

  async #tick(signal: AbortSignal): Promise<void> {
    const now = this.#deps.clock.now()
    if (!(await this.#holdLease(now))) return
    const changed = await this.#changedViews(now)
    this.#sendOutboxes(now, signal)
    for (const { rule } of this.#deps.rules) {
      if (signal.aborted || !this.#lease) return
      if (this.#catchUp.has(rule.view.stream.topic)) continue
      const due = this.#due.get(rule.name) ?? -Infinity
      if (!changed.has(rule.view.name) && now < due && !this.#deadlinePassed(rule.name, now)) continue
      await this.#evaluate(rule.name, now, signal)
    }
  }

  /** Takes the lease (loading the states), or renews it; false when another process holds it. */
  async #holdLease(now: number): Promise<boolean> {
    const { store } = this.#deps
    const ttl = this.#options.leaseTtlMs
    if (this.#lease) {
      if (now - this.#renewedAt < ttl / 3) return true
      if (await store.renewLease(this.#lease, ttl)) {
        this.#renewedAt = now
        return true
      }
      this.#lose('the lease expired before it was renewed')
      return false
    }
    if (!(await store.acquireLease(ALERT_LEASE, this.#token, ttl))) return false
    const lease = { name: ALERT_LEASE, token: this.#token }
    try {
      await this.#load(lease)
    } catch (error) {
      await store.releaseLease(lease).catch(() => {})
      throw error
    }
    this.#lease = lease
    this.#renewedAt = now
    this.#stats.leader = true
    this.#due.clear()
    this.#catchUp.clear()
    for (const topic of new Set(this.#deps.rules.map((r) => r.rule.view.stream.topic))) this.#catchUp.set(topic, await this.#deps.log.endOffsets(topic))
    this.#logger.info('this process now evaluates the alerts (it holds the lease)', { states: this.#states.size })
    return true
  }

  /** Reads the states of the enabled rules; those of other rules (turned off, renamed) are deleted. */
  async #load(lease: Lease): Promise<void> {
    const enabled = new Set(this.#deps.rules.map((r) => r.rule.name))
    this.#states.clear()
    const stale: string[] = []
    for (const { key, value } of await this.#deps.store.readAlertStates()) {
      const state = JSON.parse(value) as AlertGroupState
      if (enabled.has(state.rule)) this.#states.set(key, state)
      else stale.push(key)
    }
    if (stale.length > 0) await this.#write(lease, [], stale)
  }

  #lose(why: string): void {
    if (!this.#lease) return
    this.#logger.warn('this process no longer evaluates the alerts', { why })
    this.#lease = null
    this.#stats.leader = false
    this.#states.clear()
    this.#writtenAt.clear()
    this.#progress.clear()
    this.#publications.clear()
  }

  /** The views whose stream's applied progress or whose publication changed since the last look (every view the first time). */
  async #changedViews(now: number): Promise<Set<string>> {
    const views = [...new Set(this.#deps.rules.map((r) => r.rule.view))]
    const changed = new Set<string>()
    const topics = [...new Set(views.map((v) => v.stream.topic))]
    const progress = await Promise.all(topics.map((t) => this.#deps.store.progress(this.#deps.speedGroupId, t)))
    topics.forEach((topic, i) => {
      const ends = this.#catchUp.get(topic)
      if (ends && [...ends].every(([partition, end]) => end === 0 || (progress[i]!.get(partition) ?? -1) >= end - 1)) this.#catchUp.delete(topic)
      const signature = JSON.stringify([...progress[i]!].sort((a, b) => a[0] - b[0]))
      if (this.#progress.get(topic) === signature) return
      this.#progress.set(topic, signature)
      for (const v of views) if (v.stream.topic === topic) changed.add(v.name)
    })
    if (now - this.#publicationsReadAt >= this.#options.publicationPollMs) {
      this.#publicationsReadAt = now
      const publications = await Promise.all(views.map((v) => this.#deps.batch.currentPublication(v.name)))
      views.forEach((view, i) => {
        const version = publications[i]?.version ?? 0
        if (this.#publications.get(view.name) !== version) changed.add(view.name)
        this.#publications.set(view.name, version)
      })
    }
    return changed
  }

  #deadlinePassed(rule: string, now: number): boolean {
    const def = this.#deps.rules.find((r) => r.rule.name === rule)!.rule
    for (const state of this.#states.values()) {
      if (state.rule !== rule) continue
      const deadline = nextAlertDeadline(def, state)
      if (deadline !== null && deadline <= now) return true
    }
    return false
  }

  async #evaluate(name: string, now: number, signal: AbortSignal): Promise<void> {
    const { rule } = this.#deps.rules.find((r) => r.rule.name === name)!
    const counts = this.#stats.evaluations.get(name) ?? { ok: 0, failed: 0 }
    this.#stats.evaluations.set(name, counts)
    this.#due.set(name, now + this.#options.intervalMs)
    const own = [...this.#states].filter(([, s]) => s.rule === name)
    let reading: Awaited<ReturnType<AlertReader['read']>>
    try {
      reading = await this.#deps.reader.read(
        rule,
        now,
        own.map(([, s]) => s.group),
      )
    } catch (error) {
      counts.failed++
      // Tried again at the next poll, not at the next interval.
      this.#due.set(name, now)
      throw error
    }
    counts.ok++
    const put: [string, AlertGroupState][] = []
    const remove: string[] = []
    for (const { group, value } of reading.groups) {
      const key = alertStateKey(name, group)
      const prev = this.#states.get(key) ?? null
      const next = stepAlertState(rule, group, prev, { value, breaking: breaksRule(rule, value), at: now, range: reading.range })
      if (next === prev) continue
      if (next === null) remove.push(key)
      else if (prev && onlySeen(prev, next) && next.evaluatedAt - (this.#writtenAt.get(key) ?? prev.evaluatedAt) < this.#options.intervalMs) {
        // Only the value moved: kept in memory, written at most every intervalMs (what the listing shows).
        this.#states.set(key, next)
      } else put.push([key, next])
    }
    if (put.length === 0 && remove.length === 0) return
    const lease = this.#lease
    if (!lease || signal.aborted) return
    if (!(await this.#write(lease, put, remove))) return
    for (const key of remove) this.#states.delete(key)
    for (const [key, state] of put) {
      const before = this.#states.get(key)
      this.#states.set(key, state)
      if (state.status !== before?.status)
        this.#logger.info('alert state changed', { rule: name, group: state.group, from: before?.status ?? 'ok', to: state.status, value: state.value })
      if (state.outbox) this.#send(key, signal)
    }
  }

  /** Writes under the lease; false (and the lease is given up) when the store says another process holds it. */
  async #write(lease: Lease, put: readonly [string, AlertGroupState][], remove: readonly string[]): Promise<boolean> {
    const entries: AlertStateEntry[] = put.map(([key, state]) => ({ key, value: JSON.stringify(state) }))
    if (await this.#deps.store.writeAlertStates(lease, entries, remove)) {
      for (const [key, state] of put) this.#writtenAt.set(key, state.evaluatedAt)
      for (const key of remove) this.#writtenAt.delete(key)
      return true
    }
    this.#lose('the store refused a write: another process holds the lease')
    return false
  }

  /** Sends every outbox not being sent (again, after a failure, no sooner than 5 s later). */
  #sendOutboxes(now: number, signal: AbortSignal): void {
    for (const [key, state] of this.#states) {
      if (state.outbox && !this.#sending.has(key) && now >= (this.#retrySendAt.get(key) ?? -Infinity)) this.#send(key, signal)
    }
  }

  /** Sends a state's outbox to its rule's channels, then empties the outbox (under the lease). */
  #send(key: string, signal: AbortSignal): void {
    const state = this.#states.get(key)
    const notification = state?.outbox
    if (!state || !notification || this.#sending.has(key)) return
    const { channels } = this.#deps.rules.find((r) => r.rule.name === state.rule)!
    const sending = (async () => {
      try {
        const outcomes = await this.#deps.channels.send(notification, { to: channels, signal })
        const current = this.#states.get(key)
        const lease = this.#lease
        if (!lease || current?.outbox?.id !== notification.id) return
        const sent = { ...current, outbox: null }
        if (!(await this.#write(lease, [[key, sent]], []))) return
        this.#states.set(key, sent)
        this.#retrySendAt.delete(key)
        this.#logger.info('alert notified', {
          rule: state.rule,
          group: state.group,
          state: notification.alert.state,
          notification: notification.id,
          channels: outcomes.map((o) => `${o.channel}: ${o.status}`),
        })
      } catch (error) {
        if (signal.aborted) return
        this.#retrySendAt.set(key, this.#deps.clock.now() + 5000)
        this.#logger.warn('alert notification not sent; it stays in its outbox and is sent again', { rule: state.rule, notification: notification.id, error })
      }
    })().finally(() => this.#sending.delete(key))
    this.#sending.set(key, sending)
  }
}

/** Whether two states differ in the value and the evaluation time only. */
function onlySeen(a: AlertGroupState, b: AlertGroupState): boolean {
  const { value: _a, evaluatedAt: _b, ...restA } = a
  const { value: _c, evaluatedAt: _d, ...restB } = b
  return JSON.stringify(restA) === JSON.stringify(restB)
}
