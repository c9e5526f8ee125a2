import { mkdir, realpath } from 'node:fs/promises'
import { TwinflowError, type Clock, type ConsumeOptions, type EventLog, type LogMessage, type Logger, type ProduceOptions } from '@twinflow/core'
import type { ConsumerGroup } from './consumer-group.ts'
import { ConsumerGroups } from './consumer-groups.ts'
import { GroupOffsetsFile, type SavedGroups } from './group-offsets-file.ts'
import { parseLocalEventLogOptions, type LocalEventLogOptions, type ResolvedLocalEventLogOptions } from './local-event-log-options.ts'
import { LocalPartition, type BlockReader } from './local-partition.ts'
import type { MemoryLogConsumer } from './memory-log-consumer.ts'
import { partitionForKey } from './murmur2.ts'
import { parseTopicPartitionKey, topicPartitionKey } from './topic-partition.ts'
import { Wal } from './wal.ts'
import { encodeProduceFrame, encodeStateFrame, encodeTopicFrame, hasCrc32, MAX_PAYLOAD_BYTES, producePayloadBytes, type BlockToWrite, type DecodedFrame } from './wal-frame.ts'
import type { WalSegment } from './wal-segment.ts'

interface LocalTopic {
  partitions: LocalPartition[]
  /** Next partition of a keyless message (round-robin). */
  nextPartition: number
  /** Whether its creation is written (a topic whose creation failed to be written is forgotten). */
  written: boolean
  /** Resolves once its creation is written. */
  created: Promise<void>
}

export interface LocalEventLogDeps {
  clock: Clock
  logger: Logger
}

/** The directories of the local logs open in this process: two logs writing one directory would corrupt it. */
const openDirs = new Set<string>()

/**
 * The embedded event log on local disk: the memory log's semantics (partitioner, dense offsets,
 * consumer groups, the test hooks `consumers`, `committedOffsets`, `caughtUp`), with its records in
 * a write-ahead log of segment files in `options.dir` (see Wal and wal-frame.ts), so that they
 * survive a restart while memory stays flat as history grows:
 * - a produce call is one frame, its messages and checkpoint together (atomicCheckpoints): after a
 *   crash, both are there or neither is. It resolves once the frame is written (and synced with
 *   `fsync`); readers and `endOffsets` see records only then, in the order of the calls.
 * - topics and checkpoints are frames too; each segment starts with a state frame (topics, end
 *   offsets, checkpoints), so deleting older segments loses none of them.
 * - partitions keep an index of their blocks, not their records; reads go to the files, through a
 *   small cache of the blocks written or read last.
 * - committed offsets of consumer groups (and the topics each group consumed) live in `groups.json`.
 * - retention: the oldest segment is deleted once all its records are older than `retentionMs` and
 *   every group that consumed one of its topics has committed past its records of that topic;
 *   then the next one, and so on (at open and after a roll). A partition's first offset moves up;
 *   a member below it starts there, with a warning.
 * One log per directory in this process (another one's connect() fails with a `config` error).
 */
export class LocalEventLog implements EventLog {
  readonly atomicCheckpoints = true
  readonly #options: ResolvedLocalEventLogOptions
  readonly #clock: Clock
  readonly #logger: Logger
  #state: 'closed' | 'opening' | 'open' | 'closing' = 'closed'
  #opening: Promise<void> | null = null
  #closing: Promise<void> | null = null
  #dir = ''
  #wal: Wal | null = null
  #groupsFile: GroupOffsetsFile | null = null
  #topics = new Map<string, LocalTopic>()
  /** Checkpoints written. */
  #checkpoints = new Map<string, string>()
  #groups: ConsumerGroups
  /** The topics each group has consumed: a group holds back the retention of these topics only. */
  #subscriptions = new Map<string, Set<string>>()
  /** Groups already warned of for holding back retention. */
  #warnedPins = new Set<string>()
  /** How partitions read their blocks: through the Wal open now (partitions are made while it opens). */
  readonly #blocks: BlockReader = { readBlocks: (refs) => this.#wal!.readBlocks(refs) }

  /** `options.dir` is required here (the plugin fills in the data directory's `log`). */
  constructor(options: LocalEventLogOptions, deps: LocalEventLogDeps) {
    const parsed = parseLocalEventLogOptions(options)
    if (parsed.dir === undefined) throw new TwinflowError('config', 'a LocalEventLog needs options.dir, the directory of its files')
    this.#options = { ...parsed, dir: parsed.dir }
    this.#clock = deps.clock
    this.#logger = deps.logger
    this.#groups = this.#newGroups()
  }

  /** Opens the directory: recovers the log from its segments (cutting a torn tail) and the groups' offsets, then applies retention. */
  connect(): Promise<void> {
    if (this.#state === 'open') return Promise.resolve()
    if (this.#opening) return this.#opening
    this.#opening = (async () => {
      if (this.#closing) await this.#closing.catch(() => {})
      this.#state = 'opening'
      try {
        await this.#open()
        this.#state = 'open'
      } catch (error) {
        this.#state = 'closed'
        throw error
      } finally {
        this.#opening = null
      }
    })()
    return this.#opening
  }

  /** Stops every consumer it started (each finishes its batch in flight), waits for the writes queued, writes groups.json, closes the files. */
  async close(): Promise<void> {
    if (this.#opening) await this.#opening.catch(() => {})
    if (this.#closing) return this.#closing
    if (this.#state !== 'open') return
    this.#state = 'closing'
    this.#closing = (async () => {
      try {
        await this.#groups.stopAll()
        await this.#wal!.drain()
        this.#groupsFile!.save(() => this.#savedGroups())
        await this.#groupsFile!.flush()
      } finally {
        try {
          await this.#wal!.close()
        } finally {
          openDirs.delete(this.#dir)
          this.#state = 'closed'
          this.#closing = null
        }
      }
    })()
    return this.#closing
  }

  async createTopic(topic: string, partitions: number): Promise<void> {
    this.#requireOpen()
    if (typeof topic !== 'string' || topic.length === 0) throw new TwinflowError('config', `topic name must be a non-empty string, got ${JSON.stringify(topic)}`)
    if (!Number.isSafeInteger(partitions) || partitions < 1) {
      throw new TwinflowError('config', `topic "${topic}" needs an integer number of partitions >= 1, got ${partitions}`, { context: { topic } })
    }
    await (this.#topics.get(topic) ?? this.#create(topic, partitions)).created
  }

  async produce(topic: string, messages: LogMessage[], options: ProduceOptions = {}): Promise<void> {
    this.#requireOpen()
    const target = this.#topic(topic)
    checkMessages(topic, messages, options)
    if (messages.length === 0 && !options.checkpoint) return
    const byPartition = new Map<number, LogMessage[]>()
    const count = target.partitions.length
    let next = target.nextPartition
    for (const message of messages) {
      const partition = typeof message.key === 'string' ? partitionForKey(message.key, count) : next++ % count
      let list = byPartition.get(partition)
      if (!list) byPartition.set(partition, (list = []))
      list.push(message)
    }
    const blocks: BlockToWrite[] = [...byPartition].map(([partition, list]) => ({ partition, firstOffset: target.partitions[partition]!.assignedEnd, messages: list }))
    const payload = producePayloadBytes(topic, blocks, options.checkpoint)
    if (payload > MAX_PAYLOAD_BYTES) {
      throw new TwinflowError(
        'validation',
        `a produce call to topic "${topic}" of ${payload} bytes is over the local event log's ${MAX_PAYLOAD_BYTES}; produce fewer messages at a time`,
        {
          context: { topic },
        },
      )
    }
    const now = this.#clock.now()
    const { frame, blocks: placed } = encodeProduceFrame(now, topic, blocks, options.checkpoint)
    // Nothing can fail between here and append: the offsets given out are the frame's.
    target.nextPartition = next
    for (const block of placed) target.partitions[block.partition]!.assignedEnd += block.count
    const checkpoint = options.checkpoint
    const wal = this.#wal!
    await wal.append(frame, (segment, position) => {
      for (const block of placed) {
        target.partitions[block.partition]!.append(block.firstOffset, block.count, segment.number, position + block.start, block.length)
        segment.lastOffsets.set(topicPartitionKey(topic, block.partition), block.firstOffset + block.count - 1)
        wal.cacheBlock(segment.number, position + block.start, frame.subarray(block.start, block.start + block.length))
      }
      if (checkpoint) this.#checkpoints.set(checkpoint.key, checkpoint.value)
    })
  }

  async loadCheckpoint(key: string): Promise<string | null> {
    this.#requireOpen()
    return this.#checkpoints.get(key) ?? null
  }

  async endOffsets(topic: string): Promise<Map<number, number>> {
    this.#requireOpen()
    return new Map(this.#topic(topic).partitions.map((p, i) => [i, p.endOffset]))
  }

  async consume(options: ConsumeOptions): Promise<MemoryLogConsumer> {
    this.#requireOpen()
    const member = await this.#groups.consume(options)
    let topics = this.#subscriptions.get(options.groupId)
    if (!topics) this.#subscriptions.set(options.groupId, (topics = new Set()))
    const before = topics.size
    for (const topic of options.topics) topics.add(topic)
    if (topics.size !== before) this.#saveGroups()
    return member
  }

  /** The oldest offset kept of each partition (local log only, for tests and tools). */
  startOffsets(topic: string): Map<number, number> {
    return new Map(this.#topic(topic).partitions.map((p, i) => [i, p.startOffset]))
  }

  /** The running members of a group, in join order (for tests). */
  consumers(groupId: string): MemoryLogConsumer[] {
    return this.#groups.consumers(groupId)
  }

  /** A group's committed offsets (next offset to read) of a topic's partitions. */
  committedOffsets(groupId: string, topic: string): Map<number, number> {
    return this.#groups.committedOffsets(groupId, topic)
  }

  /** Resolves once the group has committed every partition of `topics` up to its end offset (checked again on every commit). */
  caughtUp(groupId: string, topics: readonly string[]): Promise<void> {
    return this.#groups.caughtUp(groupId, topics)
  }

  async #open(): Promise<void> {
    if (!hasCrc32()) throw new TwinflowError('config', `the local event log needs Node.js 20.15 or later (zlib.crc32); this is ${process.version}`)
    let dir: string
    try {
      await mkdir(this.#options.dir, { recursive: true })
      dir = await realpath(this.#options.dir)
    } catch (error) {
      throw new TwinflowError('unavailable', `the local event log could not open its directory ${this.#options.dir}: ${messageOf(error)}`, { cause: error })
    }
    if (openDirs.has(dir)) {
      throw new TwinflowError('config', `the local event log in ${dir} is already open in this process: close that log first (two logs writing one directory would corrupt it)`, {
        context: { dir },
      })
    }
    openDirs.add(dir)
    this.#dir = dir
    this.#topics = new Map()
    this.#checkpoints = new Map()
    this.#subscriptions = new Map()
    this.#warnedPins = new Set()
    this.#groups = this.#newGroups()
    try {
      this.#groupsFile = new GroupOffsetsFile(dir, this.#options.fsync, this.#logger)
      const saved = await this.#groupsFile.load()
      this.#wal = await Wal.open(
        { dir, segmentBytes: this.#options.segmentBytes, fsync: this.#options.fsync, logger: this.#logger },
        {
          recover: (frame, segment, position) => this.#recover(frame, segment, position),
          stateFrame: () => this.#stateFrame(),
          rolled: () => this.#retain(),
          writesFailed: () => this.#writesFailed(),
        },
      )
      this.#restoreGroups(saved)
      await this.#retain()
    } catch (error) {
      openDirs.delete(dir)
      await this.#wal?.close().catch(() => {})
      this.#wal = null
      throw TwinflowError.is(error) ? error : new TwinflowError('unavailable', `the local event log could not open ${dir}: ${messageOf(error)}`, { cause: error, context: { dir } })
    }
  }

  #newGroups(): ConsumerGroups {
    return new ConsumerGroups({
      partitions: (topic) => this.#topic(topic).partitions,
      clock: this.#clock,
      logger: this.#logger,
      retry: this.#options.retry,
      onGroup: (group) => group.onCommit(() => this.#saveGroups()),
    })
  }

  /** Applies a frame found at open; false (and nothing applied) when it does not follow the log so far. */
  #recover(frame: DecodedFrame, segment: WalSegment, position: number): boolean {
    if (frame.kind === 'topic') {
      if (!this.#topics.has(frame.topic))
        this.#add(
          frame.topic,
          Array.from({ length: frame.partitions }, () => 0),
          Promise.resolve(),
        )
      return true
    }
    if (frame.kind === 'state') {
      for (const { topic, endOffsets } of frame.topics) {
        const known = this.#topics.get(topic)
        if (known && (known.partitions.length !== endOffsets.length || known.partitions.some((p, i) => p.endOffset !== endOffsets[i]))) return false
      }
      for (const { topic, endOffsets } of frame.topics) if (!this.#topics.has(topic)) this.#add(topic, endOffsets, Promise.resolve())
      for (const [key, value] of frame.checkpoints) this.#checkpoints.set(key, value)
      return true
    }
    const topic = this.#topics.get(frame.topic)
    if (!topic) return false
    const seen = new Set<number>()
    for (const block of frame.blocks) {
      if (seen.has(block.partition) || topic.partitions[block.partition]?.endOffset !== block.firstOffset) return false
      seen.add(block.partition)
    }
    for (const block of frame.blocks) {
      topic.partitions[block.partition]!.append(block.firstOffset, block.count, segment.number, position + block.start, block.length)
      if (block.count > 0) segment.lastOffsets.set(topicPartitionKey(frame.topic, block.partition), block.firstOffset + block.count - 1)
    }
    if (frame.checkpoint) this.#checkpoints.set(frame.checkpoint.key, frame.checkpoint.value)
    return true
  }

  /** The state a new segment starts with: topics written, their end offsets, checkpoints. */
  #stateFrame(): Buffer {
    const topics = [...this.#topics].filter(([, t]) => t.written).map(([topic, t]) => ({ topic, endOffsets: t.partitions.map((p) => p.endOffset) }))
    return encodeStateFrame(this.#clock.now(), topics, this.#checkpoints)
  }

  /** After a failed write (every frame queued failed): forget topics whose creation was not written, give back the offsets given out. */
  #writesFailed(): void {
    for (const [name, topic] of this.#topics) {
      if (!topic.written) this.#topics.delete(name)
      else for (const p of topic.partitions) p.rewind()
    }
  }

  /**
   * Deletes the oldest segments while they are past retention and consumed by every group of their
   * topics (never the one written): at once for readers, then their files (resolves when deleted).
   */
  async #retain(): Promise<void> {
    const wal = this.#wal
    if (!wal) return
    const deletions: Promise<void>[] = []
    try {
      const now = this.#clock.now()
      while (wal.segments.length > 1) {
        const oldest = wal.segments[0]!
        if (now - oldest.newestAppendTime < this.#options.retentionMs) break
        const pinned = this.#pinningGroups(oldest)
        if (pinned.length > 0) {
          const fresh = pinned.filter((g) => !this.#warnedPins.has(g))
          if (fresh.length > 0) {
            for (const g of fresh) this.#warnedPins.add(g)
            this.#logger.warn('the local event log keeps a segment past retention: consumer groups have not consumed it yet', { file: oldest.path, groups: fresh })
          }
          break
        }
        deletions.push(wal.removeOldest())
        for (const key of oldest.lastOffsets.keys()) {
          const { topic, partition } = parseTopicPartitionKey(key)
          this.#topics.get(topic)?.partitions[partition]?.dropThroughSegment(oldest.number)
        }
        this.#logger.debug('the local event log deleted a segment past retention', { file: oldest.path })
      }
    } catch (error) {
      this.#logger.error('the local event log failed to apply retention', { error })
    }
    await Promise.all(deletions)
  }

  /** The groups that consumed a topic of the segment and have not committed past its records of it. */
  #pinningGroups(segment: WalSegment): string[] {
    const pinned: string[] = []
    for (const [groupId, topics] of this.#subscriptions) {
      const group = this.#groups.group(groupId)
      for (const [key, last] of segment.lastOffsets) {
        const { topic, partition } = parseTopicPartitionKey(key)
        if (topics.has(topic) && (group.committed(topic, partition) ?? 0) <= last) {
          pinned.push(groupId)
          break
        }
      }
    }
    return pinned
  }

  #restoreGroups(saved: SavedGroups): void {
    for (const [groupId, entry] of Object.entries(saved)) {
      const topics = entry?.topics
      const offsets = entry?.offsets
      if (!Array.isArray(topics) || !topics.every((t) => typeof t === 'string') || typeof offsets !== 'object' || offsets === null) {
        throw new TwinflowError('config', `${this.#groupsFile!.path}: group "${groupId}" is not {"topics":[...],"offsets":{...}}; move the file away to start the groups afresh`)
      }
      this.#subscriptions.set(groupId, new Set(topics))
      const group: ConsumerGroup = this.#groups.group(groupId)
      for (const [topic, partitions] of Object.entries(offsets)) {
        for (const [p, offset] of Object.entries(partitions ?? {})) {
          const partition = Number(p)
          if (!Number.isSafeInteger(partition) || partition < 0 || !Number.isSafeInteger(offset) || offset < 0) continue
          // A commit past the end (the tail it covered was cut at open) comes back to the end: the
          // offsets written next are new records, which the group must not skip.
          const end = this.#topics.get(topic)?.partitions[partition]?.endOffset
          group.commit(topic, partition, end === undefined ? offset : Math.min(offset, end))
          if (end !== undefined && offset > end) {
            this.#logger.warn('a consumer group committed past the end of the log (its tail was lost in a crash or cut at open); it resumes at the end', {
              group: groupId,
              topic,
              partition,
              committed: offset,
              end,
            })
          }
        }
      }
    }
  }

  #saveGroups(): void {
    if (this.#state === 'open') this.#groupsFile?.save(() => this.#savedGroups())
  }

  #savedGroups(): SavedGroups {
    const out: SavedGroups = {}
    for (const group of this.#groups.all()) {
      const topics = this.#subscriptions.get(group.id)
      const offsets: Record<string, Record<string, number>> = {}
      for (const { topic, partition, offset } of group.offsets()) (offsets[topic] ??= {})[partition] = offset
      if (!topics && Object.keys(offsets).length === 0) continue
      out[group.id] = { topics: [...(topics ?? [])], offsets }
    }
    return out
  }

  #topic(name: string): LocalTopic {
    let topic = this.#topics.get(name)
    if (!topic && this.#options.autoCreateTopics && this.#state === 'open' && typeof name === 'string' && name.length > 0)
      topic = this.#create(name, this.#options.defaultPartitions)
    if (!topic) {
      throw new TwinflowError('config', `unknown topic "${name}"; known topics: ${[...this.#topics.keys()].join(', ') || 'none'} (create it with createTopic)`, {
        context: { topic: name },
      })
    }
    return topic
  }

  /** Creates a topic now and writes its creation (the topic is forgotten if that write fails). */
  #create(name: string, partitions: number): LocalTopic {
    let topic: LocalTopic | undefined
    const created = this.#wal!.append(encodeTopicFrame(this.#clock.now(), name, partitions), () => (topic!.written = true))
    created.catch(() => {})
    topic = this.#add(
      name,
      Array.from({ length: partitions }, () => 0),
      created,
    )
    topic.written = false
    return topic
  }

  #add(name: string, endOffsets: readonly number[], created: Promise<void>): LocalTopic {
    const topic: LocalTopic = {
      partitions: endOffsets.map((end, i) => new LocalPartition(name, i, this.#blocks, end)),
      nextPartition: 0,
      written: true,
      created,
    }
    this.#topics.set(name, topic)
    return topic
  }

  #requireOpen(): void {
    if (this.#state !== 'open') throw new TwinflowError('unavailable', 'the local event log is not connected (call connect() first)', { retriable: false })
  }
}

/** Checks a produce call before any offset is given out (a bad message fails the call, and nothing is written). */
function checkMessages(topic: string, messages: LogMessage[], options: ProduceOptions): void {
  const invalid = (what: string) => new TwinflowError('validation', `${what} for topic "${topic}"`, { context: { topic } })
  if (!Array.isArray(messages)) throw invalid('produce() needs an array of messages')
  messages.forEach((m, i) => {
    if (!(m?.value instanceof Uint8Array)) throw invalid(`message ${i} has no Buffer value`)
    if (m.key !== undefined && m.key !== null && typeof m.key !== 'string') throw invalid(`message ${i} has a key that is not a string`)
    if (m.timestamp !== undefined && !Number.isFinite(m.timestamp)) throw invalid(`message ${i} has a timestamp that is not a finite number`)
    if (m.headers !== undefined && (typeof m.headers !== 'object' || m.headers === null || Object.values(m.headers).some((v) => typeof v !== 'string'))) {
      throw invalid(`message ${i} has headers that are not strings`)
    }
  })
  const checkpoint = options.checkpoint
  if (checkpoint !== undefined && (typeof checkpoint?.key !== 'string' || typeof checkpoint.value !== 'string'))
    throw invalid('the checkpoint is not { key: string, value: string }')
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
