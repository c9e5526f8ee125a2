import type { Consumer, ConsumerRunConfig, EachBatchPayload, Kafka } from 'kafkajs'
import { followSignals, type ConsumeOptions, type LogConsumer, type LogRecord, type Logger } from '@twinflow/core'
import type { KafkaOptions } from './kafka-options.ts'
import { KafkaLogRecord } from './kafka-log-record.ts'
import { mapKafkaError } from './map-kafka-error.ts'
import { MembershipWatch } from './membership-watch.ts'
import { OffsetCommitter } from './offset-committer.ts'
import { rootCause } from './root-cause.ts'
import { topicPartitionKey as tp } from './topic-partition-key.ts'

/** Why the batches of a member's generation were aborted: the group rebalances, or kafkajs crashed and leaves it. */
class PartitionsGivenUp extends Error {
  override readonly name = 'PartitionsGivenUp'
}

/**
 * An error that means this member no longer owns its partitions: a heartbeat's answer (the group is
 * rebalancing, kafkajs's own test `isRebalancing`, or the coordinator expired the member), or the
 * member's own abort of a generation's batches.
 */
function lostPartitions(error: unknown): boolean {
  if (error instanceof PartitionsGivenUp) return true
  const type = typeof error === 'object' && error !== null ? (error as { type?: unknown }).type : undefined
  return type === 'REBALANCE_IN_PROGRESS' || type === 'NOT_COORDINATOR_FOR_GROUP' || type === 'ILLEGAL_GENERATION' || type === 'UNKNOWN_MEMBER_ID'
}

/**
 * A consumer-group member on Kafka. On every assignment it asks `resumeFrom` where the sink's own
 * progress stands and seeks there (the sink, not the group's committed offset, is the truth); until
 * the seek takes effect, records below that offset are skipped and batches fetched before it are
 * left alone (kafkajs marks them stale). When `resumeFrom` fails (the sink is down), the batch fails
 * with that error and the next batch asks again. Batches are split to `maxBatchSize`.
 *
 * Fetching overlaps handling: kafkajs fetches only when every batch it handed over has returned, so
 * a batch is handed to the handler in the background and kafkajs's `eachBatch` returns at once with
 * the fetch position moved past it; the partition's next batch waits in `eachBatch` until the one
 * before it is handled (one at a time per partition, in order; at most two fetched rounds in memory).
 * Offsets are committed by the member, not by kafkajs, after the handler resolves (`OffsetCommitter`).
 * When a handler fails, the partition is sought back to the first record not handled, and the error
 * is thrown from the partition's next `eachBatch` once every batch in flight has settled, so that
 * kafkajs's own retry (or stop) applies with nothing running.
 *
 * While a batch is handled the member keeps heartbeating; when a heartbeat says the member lost its
 * partitions (the group rebalances, or the coordinator expired the member), the batch's `signal`
 * aborts. The signals of every batch in flight abort too when kafkajs starts to rejoin the group
 * (REBALANCING), when it joined again (GROUP_JOIN: a new generation), and when it crashed. An
 * aborted batch's partition is sought back and its offsets stay uncommitted; that is not reported
 * as a failure (kafkajs rejoins on its own heartbeat), and failures of an earlier generation are
 * not thrown into the next one. On every new assignment the member waits for its batches in flight
 * before it resumes.
 *
 * Every failure of the handler is reported to `onError` as it was thrown, then kafkajs retries
 * retriable ones from the first record not handled and stops the member on the others (it leaves the
 * group, so another member gets the partitions and the batch again). Other crashes of kafkajs are
 * reported once, mapped to TwinflowErrors. `stop()` stops handing batches over, waits for those in
 * flight and their commits, then leaves the group.
 *
 * A member the group no longer knows and that kafkajs does not rejoin (see MembershipWatch: its
 * offset commits fail with UNKNOWN_MEMBER_ID for longer than a session timeout, with no join) is
 * restarted: its batches in flight abort, the kafkajs consumer stops and runs again, and it joins
 * the group as a new member.
 */
export class KafkaLogConsumer implements LogConsumer {
  readonly #consumer: Consumer
  readonly #startAt = new Map<string, number>()
  readonly #reported = new WeakSet<object>()
  /** Per partition, the last batch handed over, of which generation; it settles to its failure, or null. */
  readonly #inFlight = new Map<string, { generation: number; done: Promise<unknown> }>()
  readonly #committer: OffsetCommitter
  #assignment: Record<string, number[]> = {}
  #ready: Promise<void> | null = null
  /** The group generation this member is in (counted from 0 here), and the abort of its batches. */
  #generation = 0
  #current = new AbortController()
  /** Set by stop() (the member is stopping): every batch in flight handled and their offsets committed. */
  #drained: Promise<void> | null = null
  #stopped: Promise<void> | null = null
  readonly #heartbeatIntervalMs: number
  readonly #membership: MembershipWatch
  #runConfig: ConsumerRunConfig | null = null
  /** A restart of the kafkajs consumer in progress (see MembershipWatch). */
  #restarting: Promise<void> | null = null

  constructor(
    kafka: Kafka,
    private readonly options: ConsumeOptions,
    kafkaOptions: KafkaOptions,
    private readonly logger: Logger,
  ) {
    this.#heartbeatIntervalMs = kafkaOptions.heartbeatIntervalMs
    this.#membership = new MembershipWatch(kafkaOptions.sessionTimeoutMs)
    this.#consumer = kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: kafkaOptions.sessionTimeoutMs,
      heartbeatInterval: kafkaOptions.heartbeatIntervalMs,
      maxBytesPerPartition: kafkaOptions.maxBytesPerPartition,
      maxWaitTimeInMs: kafkaOptions.maxWaitTimeMs,
      retry: { retries: 8, initialRetryTime: 300, maxRetryTime: 30_000 },
    })
    this.#committer = new OffsetCommitter(
      (offsets) =>
        this.#consumer.commitOffsets(offsets).catch((error: unknown) => {
          if (this.#membership.commitFailed(error, Date.now())) this.#restart()
          throw error
        }),
      (topic, partition) => this.#assignment[topic]?.includes(partition) ?? false,
      logger,
    )
  }

  async start(): Promise<void> {
    const consumer = this.#consumer
    consumer.on(consumer.events.REBALANCING, () => this.#giveUp('the group is rebalancing'))
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.#membership.joined()
      this.#giveUp('the member joined the group again')
      this.#generation++
      this.#current = new AbortController()
      this.#assignment = payload.memberAssignment
      this.#ready = this.#resume()
    })
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      this.#giveUp('the kafka consumer crashed')
      const cause = rootCause(payload.error)
      if (typeof cause === 'object' && cause !== null && this.#reported.has(cause)) {
        this.logger.warn('kafka consumer stopped after a failed batch', { groupId: payload.groupId, restart: payload.restart })
        return
      }
      this.logger.error('kafka consumer crashed', { error: payload.error, groupId: payload.groupId, restart: payload.restart })
      this.options.onError?.(mapKafkaError(payload.error, 'consume', { groupId: payload.groupId, restart: payload.restart }))
    })
    try {
      await consumer.connect()
      for (const topic of this.options.topics) await consumer.subscribe({ topic, fromBeginning: true })
      this.#runConfig = { eachBatchAutoResolve: false, autoCommit: false, partitionsConsumedConcurrently: 4, eachBatch: (payload) => this.#eachBatch(payload) }
      await consumer.run(this.#runConfig)
    } catch (error) {
      await consumer.disconnect().catch(() => {})
      throw mapKafkaError(error, 'consumer start', { groupId: this.options.groupId, topics: this.options.topics })
    }
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      // A restart in progress ends first (its member commits what is flushed); none starts after.
      await this.#restarting
      this.#drained = this.#settled().then(() => this.#committer.flush())
      await this.#drained
      this.#committer.close()
      // disconnect() waits for kafkajs's eachBatch in flight (it returns once drained) and leaves the group.
      await this.#consumer.disconnect()
    })()
    return this.#stopped
  }

  /**
   * Stops the kafkajs consumer and runs it again (a new member of the group), unless the member is
   * stopping or a restart is in progress. A failure is reported to `onError`.
   */
  #restart(): void {
    if (this.#restarting || this.#drained || !this.#runConfig) return
    const config = this.#runConfig
    this.logger.warn('the group no longer knows this member and kafkajs has not rejoined it; restarting the consumer', { groupId: this.options.groupId })
    this.#restarting = (async () => {
      this.#giveUp('the member restarts')
      try {
        await this.#consumer.stop()
        if (!this.#drained) await this.#consumer.run(config)
      } catch (error) {
        this.logger.error('restarting the kafka consumer failed', { error, groupId: this.options.groupId })
        this.options.onError?.(mapKafkaError(error, 'consumer restart', { groupId: this.options.groupId }))
      }
    })().finally(() => (this.#restarting = null))
  }

  /** Reports a failure to `onError`, remembering it so that the crash it causes is not reported again. */
  #report(error: unknown): void {
    if (typeof error === 'object' && error !== null) this.#reported.add(error)
    this.options.onError?.(error)
  }

  /** Aborts the signals of every batch of the current generation (once). */
  #giveUp(why: string): void {
    if (!this.#current.signal.aborted) this.#current.abort(new PartitionsGivenUp(`batches in flight stopped: ${why}`))
  }

  /** Resolves when every batch in flight has been handled or has failed. */
  async #settled(): Promise<void> {
    await Promise.all([...this.#inFlight.values()].map((entry) => entry.done))
  }

  /**
   * Seeks the assigned partitions to the sink's progress, once the batches in flight are handled (so
   * the progress read includes them). The new assignment starts from the sink's progress or the
   * committed offsets. Settled on its own: a failure is handled by the next batch.
   */
  #resume(): Promise<void> {
    const resuming = this.#settled().then(() => this.#onAssignment(this.#assignment))
    resuming.catch((error: unknown) => this.logger.warn('reading the resume offsets failed; the next batch tries again', { error }))
    return resuming
  }

  async #onAssignment(assignment: Record<string, number[]>): Promise<void> {
    if (!this.options.resumeFrom) return
    for (const [topic, partitions] of Object.entries(assignment)) {
      if (partitions.length === 0) continue
      const resume = await this.options.resumeFrom(topic, partitions)
      for (const [partition, offset] of resume) {
        this.#startAt.set(tp(topic, partition), offset)
        this.#consumer.seek({ topic, partition, offset: String(offset) })
        // The group's offset follows the sink's progress (what lag monitoring reads), and offsets
        // kept from a commit that failed before the assignment go with it.
        this.#committer.handled(topic, partition, offset)
      }
      this.logger.info('partitions assigned', { topic, partitions, resumeFrom: Object.fromEntries(resume) })
    }
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const key = tp(payload.batch.topic, payload.batch.partition)
    const previous = this.#inFlight.get(key)
    if (previous) {
      const failure = await previous.done
      if (this.#inFlight.get(key) === previous) this.#inFlight.delete(key)
      // The partition was sought back to the failed record, so this batch is stale. A handler's
      // failure goes to kafkajs (it retries or stops) once nothing is in flight; a lost partition
      // needs nothing (kafkajs learns of the rebalance on its own heartbeat), nor does a failure
      // of an earlier generation (the new one starts from the sink's progress or the commits).
      if (failure !== null && previous.generation === this.#generation && !lostPartitions(failure)) {
        await this.#settled()
        throw failure
      }
    }
    // Stopping: nothing more is handed over or resolved; waiting until stop() drained keeps kafkajs
    // from fetching the same records again meanwhile.
    if (this.#drained) return this.#drained
    let handling: { done: Promise<unknown> } | null
    try {
      handling = await this.#handOver(payload)
    } catch (error) {
      this.#report(error)
      throw error
    }
    if (handling) this.#inFlight.set(key, { generation: this.#generation, done: handling.done })
  }

  /**
   * Moves kafkajs's fetch position past the batch and starts handling it in the background.
   * Returns the handling (wrapped, so that returning it does not wait for it; it settles to its
   * failure or null), or null when there is nothing to handle.
   */
  async #handOver({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload): Promise<{ done: Promise<unknown> } | null> {
    const ready = (this.#ready ??= this.#resume())
    try {
      await ready
    } catch (error) {
      if (this.#ready === ready) this.#ready = null
      throw error
    }
    if (isStale()) return null
    const startAt = this.#startAt.get(tp(batch.topic, batch.partition)) ?? 0
    const records: LogRecord[] = []
    for (const m of batch.messages) {
      const offset = Number(m.offset)
      if (offset >= startAt) records.push(new KafkaLogRecord(m, offset))
    }
    if (batch.messages.length === 0) return null
    resolveOffset(batch.lastOffset())
    if (records.length === 0) {
      this.#committer.handled(batch.topic, batch.partition, Number(batch.lastOffset()) + 1)
      return null
    }
    const generation = this.#current.signal
    return { done: this.#handle(batch.topic, batch.partition, Number(batch.highWatermark), records, heartbeat, generation, () => isRunning() && !isStale()) }
  }

  /** Hands the records to the handler, part by part; settles to the failure that stopped it, or null. Never rejects. */
  async #handle(
    topic: string,
    partition: number,
    highWatermark: number,
    records: LogRecord[],
    heartbeat: () => Promise<void>,
    generation: AbortSignal,
    current: () => boolean,
  ): Promise<unknown> {
    const max = this.options.maxBatchSize ?? 1000
    // kafkajs heartbeats only when asked. While a batch is handled it is asked every heartbeat
    // interval, so that a rebalance (or the member's expiry) is learnt of during the batch: the
    // batch's signal then aborts, the handler stops before its next write, and the batch's offsets
    // stay uncommitted (whoever owns the partition next gets it again).
    const lost = new AbortController()
    const ticker = setInterval(() => {
      heartbeat().catch((error: unknown) => {
        if (lostPartitions(error)) lost.abort(error)
      })
    }, this.#heartbeatIntervalMs)
    const followed = followSignals([lost.signal, generation])
    const { signal } = followed
    try {
      for (let i = 0; i < records.length; i += max) {
        if (this.#drained || !current()) return null
        const part = records.slice(i, i + max)
        const firstOffset = part[0]!.offset
        const lastOffset = part[part.length - 1]!.offset
        try {
          if (signal.aborted) throw signal.reason
          await this.options.eachBatch({ topic, partition, records: part, firstOffset, lastOffset, highWatermark, signal })
          if (signal.aborted) throw signal.reason
        } catch (thrown) {
          const error: unknown = signal.aborted ? signal.reason : thrown
          return await this.#failed(topic, partition, firstOffset, error)
        }
        this.#committer.handled(topic, partition, lastOffset + 1)
      }
      return null
    } finally {
      clearInterval(ticker)
      followed.dispose()
    }
  }

  /**
   * A part failed: seeks the partition back to its first record (kafkajs's position is already past
   * it), and unless the member lost the partition, reports the error and lets the commits of the
   * parts before it land before kafkajs learns of the failure (it may stop the member). A member
   * that lost it does not wait for commits: they fail for a member the group expired, and a commit
   * sent while the broker does not answer waits for kafkajs's retries (tens of seconds), which held
   * up the batches of the member's next generation (it waits for those in flight).
   */
  async #failed(topic: string, partition: number, firstOffset: number, error: unknown): Promise<unknown> {
    try {
      this.#consumer.seek({ topic, partition, offset: String(firstOffset) })
    } catch (seekError) {
      // Expected when the member is leaving (a crash); it rejoins from the committed offsets.
      const log = lostPartitions(error) ? this.logger.debug : this.logger.warn
      log.call(this.logger, 'seeking back to a failed batch failed; the group rejoins from the committed offset', { error: seekError, topic, partition, firstOffset })
    }
    if (!lostPartitions(error)) {
      this.#report(error)
      await this.#committer.flush()
    }
    return error ?? new Error('a batch handler failed with an empty error')
  }
}
