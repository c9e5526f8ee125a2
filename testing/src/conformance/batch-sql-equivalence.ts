import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  compileDecoder,
  compileGroupFolder,
  compileViewEvaluator,
  eventCells,
  type GroupState,
  createJsonLogger,
  definePipeline,
  mergeRows,
  systemClock,
  type ClickHouseDriver,
  type PartialRow,
} from '@twinflow/core'
import { ClickHouseBatchEngine } from '@twinflow/batch-layer'
import { propertyRuns, propertyTimeout } from './property-runs.ts'
import { randomViews, type RandomEvent, type RawEvent, type ViewSpecCase } from './random-views.ts'

export interface BatchSqlEquivalenceOptions {
  /** A connected driver on an empty database of its own, and how to let it go. */
  open(): Promise<{ driver: ClickHouseDriver; dispose(): Promise<void> }>
}

/** Half the cases archive a slice of the records a second time, as a zombie archiver's insert would. */
const zombieCase = fc.option(fc.record({ from: fc.nat(), length: fc.integer({ min: 1, max: 40 }) }), { freq: 2 })

/**
 * Found by the property on 18.16: keys that are constant expressions, with records archived twice
 * (the UNION ALL of the deduplicating build). Run first, on every ClickHouse.
 */
const T0 = 1_772_323_200_000
const constantKeysCase: { t0: number; spec: ViewSpecCase; events: RawEvent[]; rejected: string[]; cutoff: number } = {
  t0: T0,
  spec: {
    derived: [],
    where: null,
    keys: [
      { t: 'bool', b: { t: 'strIn', s: { t: 'replace', a: { t: 'lit', v: 'a' }, from: 'a', to: '' }, vs: ['a'] } },
      { t: 'str', s: { t: 'lit', v: 'k' } },
      { t: 'int', n: { t: 'lit', v: 7 } },
    ],
    measures: [
      { kind: 'countOf', x: { num: { t: 'field', name: 'n' } } },
      { kind: 'sum', arg: { t: 'field', name: 'm' } },
    ],
    window: '1m',
    sample: null,
  },
  events: [0, 1, 2, 3, 4, 5, 70_000].map((dt, i) => ({ s: 'a', e: 'x', n: i, m: 2 * i, f: 0, g: 0, b: false, c: false, u: 'a', d: 0, ts: T0 + dt })),
  rejected: [],
  cutoff: T0 + 60_000,
}

const asMap = (rows: PartialRow[]) => new Map(rows.map((r) => [JSON.stringify([r.windowStart, ...r.keys]), r.cells.map((c) => (typeof c === 'number' ? randomViews.zero(c) : c))]))
const sorted = (m: Map<string, unknown[]>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))

/**
 * THE batch/speed equivalence property, as a vitest suite for one ClickHouse (call it at the top
 * level of a spec file): for random events and random view declarations, the batch SQL run on that
 * ClickHouse gives the same partial rows as the speed layer's JS evaluator merged with mergeRows,
 * and both equal a reference written for the tests as a plain reduce over the events (its own
 * expression interpreter, no Twinflow code: testing/random-views). Numbers are integers and dyadic
 * floats (k/8, divisions by powers of two), so sums are exact in any order. Events arrive raw, with
 * gaps and junk in their optional fields: the stream's decoder (the one every layer uses) gives the
 * events the reference's own reading of the field policies gives, and rejects the same ones. Half
 * the cases also archive some records twice (a zombie archiver's insert): the batch SQL counts each once.
 *
 * The same property runs on the embedded chdb (a current ClickHouse) and on the server image the
 * end-to-end suite runs (18.16): SQL that one release accepts another may read otherwise.
 */
export function batchSqlEquivalence(name: string, options: BatchSqlEquivalenceOptions): void {
  let opened: Awaited<ReturnType<BatchSqlEquivalenceOptions['open']>> | undefined
  describe(`batch SQL ≡ speed-layer JS ≡ reference reduce (${name})`, () => {
    beforeAll(async () => {
      opened = await options.open()
    }, 120_000)
    afterAll(() => opened?.dispose())

    it(
      'gives the same partial rows for random views and events',
      async () => {
        const logger = createJsonLogger({ level: 'silent' })
        let run = 0
        await fc.assert(
          fc.asyncProperty(randomViews.viewCase, zombieCase, async ({ spec, events: raw, rejected: reasons, cutoff }, zombie) => {
            const view = randomViews.declare(`eq${++run}`, spec)
            const decode = compileDecoder(view.stream)
            const decoded = raw.map((e) => decode(Buffer.from(JSON.stringify(e)), Number.MAX_SAFE_INTEGER))
            expect(
              decoded.map((d) => (d.ok ? d.event : null)),
              'decoder vs reference',
            ).toEqual(raw.map(randomViews.decode))
            const events = decoded.flatMap((d) => (d.ok ? [d.event as unknown as RandomEvent] : []))
            const rejected = [...reasons, ...decoded.flatMap((d) => (d.ok ? [] : [d.reason]))]
            const expected = randomViews.reduce(spec, events, cutoff)

            // The speed layer's two ways: events merged one by one, and folded per group (accumulators for sketches).
            const evaluate = compileViewEvaluator(view)
            const folder = compileGroupFolder(view)
            const partials: PartialRow[] = []
            const folded = new Map<string, { windowStart: number; keys: PartialRow['keys']; state: GroupState }>()
            for (const event of events) {
              if (event.ts >= cutoff) continue
              const out = evaluate(event as unknown as Record<string, unknown>)
              if (!out) continue
              partials.push({ windowStart: out.windowStart, keys: out.keys, cells: eventCells(view, out.cells) })
              const id = JSON.stringify([out.windowStart, ...out.keys])
              const group = folded.get(id)
              if (group) folder.add(group.state, out.cells)
              else folded.set(id, { windowStart: out.windowStart, keys: out.keys, state: folder.start(out.cells) })
            }
            expect(sorted(asMap(mergeRows(view, partials))), 'speed-layer JS vs reference').toEqual(sorted(expected))
            const foldedRows = [...folded.values()].map((g) => ({ windowStart: g.windowStart, keys: g.keys, cells: folder.cells(g.state) }))
            expect(sorted(asMap(foldedRows)), 'speed-layer fold vs reference').toEqual(sorted(expected))

            const engine = new ClickHouseBatchEngine(opened!.driver, systemClock, logger)
            await engine.start(definePipeline({ streams: [view.stream], views: [view] }))
            const records = [
              ...events.map((event, i) => ({ partition: i % 3, offset: Math.floor(i / 3), event: event as unknown as Record<string, unknown> })),
              ...rejected.map((reason, i) => ({ partition: 3, offset: i, event: {}, error: reason })),
            ]
            await engine.ingest(view.stream.name, records)
            // A zombie archiver's insert: some of those records again. Each must still count once.
            if (zombie && records.length > 0) {
              const from = zombie.from % records.length
              await engine.ingest(view.stream.name, records.slice(from, from + zombie.length))
            }
            await engine.buildVersion(view.name, 1, cutoff)
            const batch = await engine.readWindows(view.name, 1, -Infinity, Infinity)
            expect(sorted(asMap(batch)), 'batch SQL vs reference').toEqual(sorted(expected))
          }),
          { numRuns: propertyRuns(60), examples: [[constantKeysCase, { from: 0, length: 2 }]] },
        )
      },
      propertyTimeout(300_000),
    )
  })
}
