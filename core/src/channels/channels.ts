import { followSignals } from '../abort/follow-signals.ts'
import type { DeadLetter, DeadLetterQueue } from '../contracts/dead-letter-queue.ts'
import type { Notification, NotificationKind } from '../contracts/notification.ts'
import type { Sink } from '../contracts/sink.ts'
import { TwinflowError } from '../errors/twinflow-error.ts'
import type { Logger } from '../logging/logger.ts'
import { retry } from '../retry/retry.ts'
import type { Clock } from '../time/clock.ts'
import type { Pipeline } from '../view/define-pipeline.ts'
import type { ResolvedDeliveryOptions } from './delivery-options.ts'
import { encodeNotification } from './notification-json.ts'

/** How one channel instance is used: the kinds it takes (of those it accepts) and its delivery policy. */
export interface ChannelSettings {
  kinds: readonly NotificationKind[]
  delivery: ResolvedDeliveryOptions
  /** Where the config declares it, for errors (`sinks[2]`). */
  where: string
}

export interface ChannelsDeps {
  sinks: readonly Sink[]
  /** The settings of a channel (by its name, in the config). */
  settings: (sink: Sink) => ChannelSettings
  deadLetters: DeadLetterQueue
  pipeline: Pipeline
  clock: Clock
  logger: Logger
}

/** What happened to a notification on one channel. */
export interface DeliveryOutcome {
  channel: string
  kind: NotificationKind
  /** `delivered`: the channel has it; `dead-lettered`: every attempt failed, it is in the dead-letter queue. */
  status: 'delivered' | 'dead-lettered'
  attempts: number
  error?: unknown
}

export interface SendOptions {
  /** The channels to deliver to (each must take the notification's kind). @default every channel that takes its kind */
  to?: readonly string[]
  /** Aborts the sending (a stop): the notification is then neither delivered nor dead-lettered, and the promise rejects with the reason. */
  signal?: AbortSignal
}

/** A channel counter: notifications by outcome, and failed attempts. */
export interface ChannelCount {
  channel: string
  kind: NotificationKind
  outcome: 'delivered' | 'dead-lettered' | 'failed-attempt'
  count: number
}

/**
 * The delivery of notifications to the configured channels (sinks), the same for every channel
 * (see `Sink` for the contract): each channel independently, one `deliver` per attempt with a
 * timeout, retries with exponential backoff, then a dead letter after the last attempt. `send`
 * resolves once every channel has the notification or its dead letter: it rejects only when
 * aborted, or when the dead-letter queue itself could not be written (retriable: the caller keeps
 * the notification and sends it again later, with the same id). Failures are logged and counted
 * (`counts()`), never thrown at the layer that sent.
 */
export class Channels {
  readonly #byName = new Map<string, { sink: Sink; settings: ChannelSettings }>()
  readonly #failing = new Set<string>()
  readonly #counts = new Map<string, ChannelCount>()
  readonly #logger: Logger

  constructor(private readonly deps: ChannelsDeps) {
    this.#logger = deps.logger.child({ component: 'channels' })
    for (const sink of deps.sinks) {
      const settings = deps.settings(sink)
      if (this.#byName.has(sink.name)) throw new TwinflowError('config', `${settings.where}: two channels (sinks) are named "${sink.name}"; give each a "name" of its own`)
      const refused = settings.kinds.filter((k) => !sink.accepts.includes(k))
      if (refused.length > 0) {
        throw new TwinflowError('config', `${settings.where}.kinds: channel "${sink.name}" cannot deliver ${refused.join(', ')}; it delivers: ${sink.accepts.join(', ')}`)
      }
      this.#byName.set(sink.name, { sink, settings })
    }
  }

  /** The channels' names, in config order. */
  get names(): string[] {
    return [...this.#byName.keys()]
  }

  /** The channels that take notifications of `kind`. */
  taking(kind: NotificationKind): string[] {
    return [...this.#byName].filter(([, c]) => c.settings.kinds.includes(kind)).map(([name]) => name)
  }

  /**
   * Checks that `names` are channels that take `kind`; a `config` error at `where` (e.g.
   * `alerts.rules.revenueDrop.channels`) says which is unknown or takes other kinds.
   */
  check(names: readonly string[], kind: NotificationKind, where: string): void {
    for (const name of names) {
      const channel = this.#byName.get(name)
      if (!channel) throw new TwinflowError('config', `${where}: no channel (sink) is named "${name}"; channels: ${this.names.join(', ') || 'none (configure "sinks")'}`)
      if (!channel.settings.kinds.includes(kind)) {
        throw new TwinflowError(
          'config',
          `${where}: channel "${name}" does not take ${kind} notifications; it takes: ${channel.settings.kinds.join(', ')} (${channel.settings.where}.kinds)`,
        )
      }
    }
  }

  /** Delivers to every channel of `options.to` (default: each that takes the kind), each independently. */
  async send(notification: Notification, options: SendOptions = {}): Promise<DeliveryOutcome[]> {
    const names = options.to ?? this.taking(notification.kind)
    if (options.to) this.check(options.to, notification.kind, `sending ${notification.kind} notification ${notification.id}`)
    return Promise.all(names.map((name) => this.#deliver(this.#byName.get(name)!, notification, options.signal)))
  }

  /** Counts since the process started, per channel, kind and outcome. */
  counts(): ChannelCount[] {
    return [...this.#counts.values()].map((c) => ({ ...c }))
  }

  async #deliver({ sink, settings }: { sink: Sink; settings: ChannelSettings }, notification: Notification, signal: AbortSignal | undefined): Promise<DeliveryOutcome> {
    const { delivery } = settings
    const logger = this.#logger.child({ channel: sink.name, kind: notification.kind, notification: notification.id })
    let attempts = 0
    try {
      await retry(
        this.deps.clock,
        async (attempt) => {
          attempts = attempt
          signal?.throwIfAborted()
          const timeout = AbortSignal.timeout(delivery.attemptTimeoutMs)
          const followed = followSignals([signal, timeout])
          try {
            await abortable(sink.deliver(notification, followed.signal), followed.signal)
          } catch (error) {
            this.#count(sink.name, notification.kind, 'failed-attempt')
            if (signal?.aborted) throw error
            if (timeout.aborted) throw new TwinflowError('unavailable', `no answer within ${delivery.attemptTimeoutMs} ms`, { cause: error })
            throw error
          } finally {
            followed.dispose()
          }
        },
        {
          // A failing channel gets one attempt per notification until one is delivered.
          retries: this.#failing.has(sink.name) ? 0 : delivery.retries,
          initialDelayMs: delivery.initialDelayMs,
          maxDelayMs: delivery.maxDelayMs,
          operation: `delivery to channel "${sink.name}"`,
          ...(signal ? { signal } : {}),
          onRetry: ({ attempt, delayMs, error }) => logger.warn('channel delivery failed; retrying', { attempt, delayMs, error }),
        },
      )
    } catch (error) {
      if (signal?.aborted) throw signal.reason
      await this.#deadLetter(sink.name, notification, error)
      this.#failing.add(sink.name)
      this.#count(sink.name, notification.kind, 'dead-lettered')
      logger.error('channel delivery failed for good; the notification went to the dead-letter queue', { attempts, error })
      return { channel: sink.name, kind: notification.kind, status: 'dead-lettered', attempts, error }
    }
    if (this.#failing.delete(sink.name)) logger.info('channel delivers again')
    this.#count(sink.name, notification.kind, 'delivered')
    return { channel: sink.name, kind: notification.kind, status: 'delivered', attempts }
  }

  async #deadLetter(channel: string, notification: Notification, error: unknown): Promise<void> {
    const letter: DeadLetter = {
      stream: this.#streamOf(notification),
      stage: `channel:${channel}`,
      reason: `undeliverable: ${error instanceof Error ? error.message : String(error)}`,
      payload: Buffer.from(JSON.stringify(withoutAttachmentContent(notification))),
      at: this.deps.clock.now(),
    }
    try {
      await retry(this.deps.clock, () => this.deps.deadLetters.write([letter]), { retries: 5, initialDelayMs: 200, operation: 'dead-letter write' })
    } catch (failure) {
      throw new TwinflowError('unavailable', `notification ${notification.id} could not be delivered to channel "${channel}" nor dead-lettered: ${(failure as Error).message}`, {
        cause: failure,
        context: { channel, notification: notification.id },
      })
    }
  }

  /** The stream a notification is about, which its dead letter is filed under. */
  #streamOf(notification: Notification): string {
    const { pipeline } = this.deps
    const ofView = (name: string | undefined) => (name !== undefined && pipeline.views.some((v) => v.name === name) ? pipeline.view(name).stream.name : undefined)
    const stream =
      notification.kind === 'view-changes'
        ? pipeline.streams.find((s) => s.topic === notification.batch.topic)?.name
        : ofView(notification.kind === 'alert' ? notification.alert.view : notification.report.views[0])
    return stream ?? pipeline.streams[0]?.name ?? ''
  }

  #count(channel: string, kind: NotificationKind, outcome: ChannelCount['outcome']): void {
    const key = `${channel}\u0000${kind}\u0000${outcome}`
    const count = this.#counts.get(key)
    if (count) count.count++
    else this.#counts.set(key, { channel, kind, outcome, count: 1 })
  }
}

/** The notification as its dead letter keeps it: JSON, attachments without their content (their size instead). */
function withoutAttachmentContent(notification: Notification): unknown {
  if (notification.kind !== 'report') return encodeNotification(notification)
  const attachments = notification.report.attachments.map(({ content, ...rest }) => ({ ...rest, bytes: content.byteLength }))
  return { ...notification, report: { ...notification.report, attachments } }
}

/** `promise`, or a rejection with the signal's reason as soon as it aborts (a channel that ignores its signal cannot hold a delivery). */
function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason)
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, { once: true })
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort)
        resolve(value)
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort)
        reject(error)
      },
    )
  })
}
