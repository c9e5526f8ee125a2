import type { Clock, EventLog, RealtimeStore } from '@twinflow/core'

/** The speed layer's position in one partition of a stream's topic. */
export interface PartitionLag {
  partition: number
  /** The next offset to be written. */
  endOffset: number
  /** The last offset the speed layer applied (null: none yet). */
  appliedOffset: number | null
  /** Records written and not applied yet. */
  pending: number
}

/** How far back a rate looks, and the least time two samples must be apart to give one. */
const RATE_WINDOW_MS = 60_000
const MIN_RATE_SPAN_MS = 1_000

interface Sample {
  at: number
  total: number
}

/**
 * Live figures of the streams, read when asked: the speed layer's lag per partition (the log's end
 * offsets against the progress the speed layer recorded in the realtime store) and the rate at which
 * records are appended to a topic. A rate is the growth of the topic's end offsets between the
 * samples this server took (each read is one) over the last minute: null until two samples a
 * second or more apart exist.
 */
export class StreamStats {
  readonly #samples = new Map<string, Sample[]>()

  constructor(private readonly deps: { log: EventLog; realtime: RealtimeStore; clock: Clock; speedGroupId: string }) {}

  /** The speed layer's lag in each partition of the topic, by partition. */
  async partitions(topic: string): Promise<PartitionLag[]> {
    const [ends, applied] = await Promise.all([this.#ends(topic), this.deps.realtime.progress(this.deps.speedGroupId, topic)])
    return [...ends]
      .sort(([a], [b]) => a - b)
      .map(([partition, endOffset]) => {
        const last = applied.get(partition)
        return { partition, endOffset, appliedOffset: last ?? null, pending: Math.max(0, endOffset - 1 - (last ?? -1)) }
      })
  }

  /** Records appended to the topic per second over the last minute (null: not enough samples yet). */
  async rate(topic: string): Promise<number | null> {
    await this.#ends(topic)
    const samples = this.#samples.get(topic)!
    const newest = samples[samples.length - 1]!
    const oldest = samples[0]!
    const span = newest.at - oldest.at
    return span < MIN_RATE_SPAN_MS ? null : ((newest.total - oldest.total) * 1000) / span
  }

  /** Reads the end offsets and keeps them as a sample (the samples of the last minute, and one older). */
  async #ends(topic: string): Promise<ReadonlyMap<number, number>> {
    const ends = await this.deps.log.endOffsets(topic)
    const at = this.deps.clock.now()
    let total = 0
    for (const end of ends.values()) total += end
    let samples = this.#samples.get(topic)
    if (!samples) this.#samples.set(topic, (samples = []))
    samples.push({ at, total })
    while (samples.length > 2 && samples[1]!.at <= at - RATE_WINDOW_MS) samples.shift()
    return ends
  }
}
