import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileDecoder, createJsonLogger, definePipeline, systemClock, type LogBatch, type LogRecord, type PartialRow } from '@twinflow/core'
import { ClickHouseBatchEngine } from '@twinflow/batch-layer'
import { MemoryDeadLetterQueue, MemoryRealtimeStore } from '@twinflow/plugin-memory'
import { BatchProcessor } from '@twinflow/speed-layer'
import type { BatchSqlEquivalenceOptions } from './batch-sql-equivalence.ts'
import { propertyRuns, propertyTimeout } from './property-runs.ts'
import type { PositionedEvent } from './reference-dedupe.ts'
import { randomViews, type RandomEvent, type RawEvent } from './random-views.ts'

const PARTITIONS = 3
const asMap = (rows: PartialRow[]) => new Map(rows.map((r) => [JSON.stringify([r.windowStart, ...r.keys]), r.cells.map((c) => (typeof c === 'number' ? randomViews.zero(c) : c))]))
const sorted = (m: Map<string, unknown[]>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/**
 * The dedupeBy equivalence property, as a vitest suite for one ClickHouse (call it at the top level
 * of a spec file): for random views over a stream with `dedupeBy`, and random events with copies
 * (at the same time, within and beyond the horizon, on both sides of the cutoff), the batch SQL's
 * windows before the cutoff merged with the speed layer's (the real BatchProcessor on the embedded
 * realtime store, every partition's batches delivered and then redelivered whole) equal the
 * reference reduce over the events the documented rule keeps. Half the cases archive records
 * twice too. Partitions reach the speed layer one after the other, as the rule's exactness
 * across partitions requires (docs/architecture.md, "Deduplication").
 */
export function dedupeEquivalence(name: string, options: BatchSqlEquivalenceOptions): void {
  let opened: Awaited<ReturnType<BatchSqlEquivalenceOptions['open']>> | undefined
  describe(`dedupeBy: batch SQL + speed layer ≡ reference (${name})`, () => {
    beforeAll(async () => {
      opened = await options.open()
    }, 120_000)
    afterAll(() => opened?.dispose())

    it(
      'keeps the same events in both layers, across the cutoff, redeliveries and records archived twice',
      async () => {
        const logger = createJsonLogger({ level: 'silent' })
        let run = 0
        const totals = { duplicates: 0, skippedBelowCutoff: 0 }
        await fc.assert(
          fc.asyncProperty(randomViews.dedupeCase, fc.boolean(), async (c, zombie) => {
            const { spec, cutoff } = c.case
            const view = randomViews.declare(`dd${++run}`, spec, { dedupeBy: { field: c.field, horizon: c.horizonMs } })
            const pipeline = definePipeline({ streams: [view.stream], views: [view] })

            // The log: the case's events with the copies put in, each at (i % 3, i / 3).
            const raw: RawEvent[] = [...c.case.events]
            for (const copy of c.copies) {
              const of = raw[copy.of % raw.length]!
              raw.splice(copy.at % (raw.length + 1), 0, { ...of, ts: Math.max(0, (of.ts as number) + copy.shift) })
            }
            for (const s of c.straddles) {
              const of = raw[s.of % raw.length]!
              const pair = [
                { ...of, ts: Math.max(0, cutoff - s.before) },
                { ...of, ts: cutoff + s.after - 1 },
              ]
              raw.splice(s.at % (raw.length + 1), 0, ...(s.afterFirst ? pair.reverse() : pair))
            }
            const decode = compileDecoder(view.stream)
            const LOG_TIME = Number.MAX_SAFE_INTEGER
            const records = raw.map((event, i) => {
              const payload = Buffer.from(JSON.stringify(event))
              return { partition: i % PARTITIONS, offset: Math.floor(i / PARTITIONS), payload, decoded: decode(payload, LOG_TIME) }
            })
            const valid: PositionedEvent[] = records.flatMap((r) =>
              r.decoded.ok ? [{ event: r.decoded.event as unknown as RandomEvent, partition: r.partition, offset: r.offset }] : [],
            )
            const kept = randomViews.dedupe(valid, c.field, c.horizonMs)
            const expected = randomViews.reduce(spec, kept, Number.MAX_SAFE_INTEGER)

            // The batch layer: every record archived (rejected ones with their reason), some twice.
            const engine = new ClickHouseBatchEngine(opened!.driver, systemClock, logger)
            await engine.start(pipeline)
            const archived = records.map((r) =>
              r.decoded.ok
                ? { partition: r.partition, offset: r.offset, event: r.decoded.event }
                : { partition: r.partition, offset: r.offset, event: {}, error: r.decoded.reason },
            )
            await engine.ingest(view.stream.name, archived)
            if (zombie)
              await engine.ingest(
                view.stream.name,
                archived.filter((_, i) => i % 2 === 0),
              )
            await engine.buildVersion(view.name, 1, cutoff)
            const batch = await engine.readWindows(view.name, 1, -Infinity, Infinity)
            expect(
              batch.every((r) => r.windowStart < cutoff),
              'batch windows before the cutoff',
            ).toBe(true)

            // The speed layer: each partition's records in batches, then the whole partition again.
            const store = new MemoryRealtimeStore()
            await store.start(pipeline)
            const deadLetters = new MemoryDeadLetterQueue({}, { logger })
            await deadLetters.connect()
            const processor = new BatchProcessor({
              pipeline,
              store,
              deadLetters,
              cutoff: () => cutoff,
              clock: systemClock,
              logger,
              consumer: 'property',
              maxEventBytes: 1 << 20,
              retry: { retries: 0, initialDelayMs: 1, maxDelayMs: 1 },
            })
            const logBatch = (partition: number, list: LogRecord[]): LogBatch => ({
              topic: view.stream.topic,
              partition,
              records: list,
              firstOffset: list[0]!.offset,
              lastOffset: list.at(-1)!.offset,
              highWatermark: list.at(-1)!.offset + 1,
            })
            for (let p = 0; p < PARTITIONS; p++) {
              const log = records.filter((r) => r.partition === p).map((r): LogRecord => ({ offset: r.offset, key: null, value: r.payload, timestamp: LOG_TIME, headers: {} }))
              for (let i = 0; i < log.length; i += c.batchSize) {
                const result = await processor.process(logBatch(p, log.slice(i, i + c.batchSize)))
                totals.duplicates += result.duplicateEvents
                totals.skippedBelowCutoff += result.skippedBelowCutoff
              }
              if (log.length > 0) await processor.process(logBatch(p, log))
            }
            const speed = await store.readWindows(view.name, -Infinity, Infinity)
            await store.stop()
            expect(
              speed.every((r) => r.windowStart >= cutoff),
              'speed windows at or after the cutoff',
            ).toBe(true)
            expect(sorted(asMap([...batch, ...speed])), 'batch + speed vs reference').toEqual(sorted(expected))
          }),
          { numRuns: propertyRuns(40) },
        )
        // Without these, the property proved nothing about duplicates or the cutoff.
        expect(totals.duplicates).toBeGreaterThan(0)
        expect(totals.skippedBelowCutoff).toBeGreaterThan(0)
      },
      propertyTimeout(300_000),
    )
  })
}
