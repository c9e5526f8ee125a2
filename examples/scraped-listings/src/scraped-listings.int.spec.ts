import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { createJsonLogger, isMasked, TOKENS, type LogRecord } from '@twinflow/core'
import { createTestPipeline, type TestPipeline } from '@twinflow/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { scrapedListingsPipeline } from './pipeline.ts'
import { listings } from './streams.ts'

const DATA = fileURLToPath(new URL('../data/listings/', import.meta.url))
const FILES = ['run-1.ndjson', 'run-2.ndjson']

/** What the views must answer, computed here from the sample files, without Twinflow. */
interface Listing {
  category: string
  price: number | null
  condition: string
  hour: number
  seller: string
}
const berlinHour = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: 'numeric', hourCycle: 'h23' })
function readSample(): { valid: Listing[]; invalid: number; text: string } {
  const valid: Listing[] = []
  let invalid = 0
  let text = ''
  for (const file of FILES) {
    const content = readFileSync(`${DATA}${file}`, 'utf8')
    text += content
    for (const line of content.split('\n').filter((l) => l !== '')) {
      let raw: Record<string, unknown>
      try {
        raw = JSON.parse(line)
      } catch {
        invalid++
        continue
      }
      if (typeof raw.sellerEmail !== 'string') {
        invalid++
        continue
      }
      const condition = typeof raw.condition === 'string' ? raw.condition.trim().toLowerCase() : null
      valid.push({
        category: (typeof raw.category === 'string' ? raw.category : 'uncategorized').trim().toLowerCase(),
        price: typeof raw.priceCents === 'number' ? raw.priceCents : null,
        condition: condition === 'new' ? 'new' : condition?.includes('used') ? 'used' : 'other',
        hour: Number(berlinHour.format(new Date(raw.scrapedAt as string))),
        seller: raw.sellerEmail,
      })
    }
  }
  return { valid, invalid, text }
}

function groupBy<K>(items: readonly Listing[], key: (l: Listing) => K): Map<K, Listing[]> {
  const groups = new Map<K, Listing[]>()
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item])
  return groups
}

/** The exact quantile Twinflow's sketch approximates: the value of rank ⌊q·(n − 1)⌋. */
function exactQuantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(q * (sorted.length - 1))]!
}

describe('the scraped-listings example: prepared and analysed by one declaration', () => {
  const sample = readSample()
  const lines: string[] = []
  let tf: TestPipeline

  beforeAll(async () => {
    tf = await createTestPipeline({
      pipeline: scrapedListingsPipeline,
      now: '2026-11-20T00:00:00Z',
      logger: createJsonLogger({ level: 'debug', write: (line) => lines.push(line) }),
      config: {
        pii: { secret: 'the-example-test-secret-0123456789' },
        sources: [{ plugin: 'file', name: 'scraper-runs', options: { stream: 'listings', path: `${DATA}*.ndjson` } }],
      },
    })
    const log = tf.twinflow.get(TOKENS.EventLog)
    const deadLetters = tf.twinflow.get(TOKENS.DeadLetterQueue)
    const deadline = Date.now() + 60_000
    for (;;) {
      const ends = [...(await log.endOffsets(listings.topic)).values()].reduce((a, b) => a + b, 0)
      const letters = (await deadLetters.read({ stream: 'listings', limit: 100 })).letters.length
      if (ends >= sample.valid.length && letters >= sample.invalid) break
      if (Date.now() > deadline) throw new Error(`the source did not ingest the sample: ${ends} events and ${letters} dead letters`)
      await new Promise((r) => setTimeout(r, 50))
    }
    await tf.settle()
    await tf.runBatch()
  })
  afterAll(async () => {
    await tf?.stop()
  })

  it('answers per category: listings, priced ones, distinct sellers and price percentiles', async () => {
    expect(sample.valid.length).toBe(120)
    const { categoryPrices } = await tf.query(
      '{ categoryPrices(from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z", granularity: MONTH) { rows { category listings priced sellers price { p50 p90 } } } }',
    )
    const expected = [...groupBy(sample.valid, (l) => l.category)].map(([category, items]) => {
      const prices = items.flatMap((l) => (l.price === null ? [] : [l.price]))
      return { category, listings: items.length, priced: prices.length, sellers: new Set(items.map((l) => l.seller)).size, prices }
    })
    expect(categoryPrices.rows.map((r: { category: string }) => r.category).sort()).toEqual(['bikes', 'furniture', 'phones', 'uncategorized'])
    for (const want of expected) {
      const row = categoryPrices.rows.find((r: { category: string }) => r.category === want.category)
      expect(row).toMatchObject({ listings: want.listings, priced: want.priced })
      // distinct() is a HyperLogLog sketch: for a few values, exact or within 1 (two sellers may share a register).
      expect(Math.abs(row.sellers - want.sellers)).toBeLessThanOrEqual(1)
      for (const [q, key] of [
        [0.5, 'p50'],
        [0.9, 'p90'],
      ] as const) {
        const exact = exactQuantile(want.prices, q)
        expect(Math.abs(row.price[key] - exact) / exact).toBeLessThanOrEqual(0.01)
      }
    }
  })

  it('answers per hour in Berlin and normalized condition: listings, distinct sellers, bargains', async () => {
    const { berlinHours } = await tf.query(
      '{ berlinHours(from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z", granularity: MONTH) { rows { hour condition listings sellers bargains } } }',
    )
    const expected = [...groupBy(sample.valid, (l) => `${l.hour}/${l.condition}`)].map(([, items]) => ({
      hour: items[0]!.hour,
      condition: items[0]!.condition,
      listings: items.length,
      sellers: new Set(items.map((l) => l.seller)).size,
      bargains: items.filter((l) => l.price !== null && l.price < 2000).length,
    }))
    const key = (r: { hour: number; condition: string }) => `${r.hour}/${r.condition}`
    const rows = [...berlinHours.rows].sort((a, b) => key(a).localeCompare(key(b)))
    expected.sort((a, b) => key(a).localeCompare(key(b)))
    expect(rows.map(({ sellers: _, ...rest }) => rest)).toEqual(expected.map(({ sellers: _, ...rest }) => rest))
    // distinct() is a HyperLogLog sketch: for a few values, exact or within 1.
    rows.forEach((row, i) => expect(Math.abs(row.sellers - expected[i]!.sellers)).toBeLessThanOrEqual(1))
  })

  it('dead-letters the lines no default can fill, and the sellers’ emails and phones appear nowhere', async () => {
    const letters = (await tf.twinflow.get(TOKENS.DeadLetterQueue).read({ stream: 'listings', limit: 100 })).letters
    expect(letters.map((l) => l.reason.split(':')[0]).sort()).toEqual(['ndjson', 'schema'])
    const records: LogRecord[] = []
    const consumer = await tf.twinflow.get(TOKENS.EventLog).consume({
      groupId: 'example-search',
      topics: [listings.topic],
      resumeFrom: async (_topic, partitions) => new Map(partitions.map((p) => [p, 0])),
      eachBatch: async (batch) => void records.push(...batch.records.map((r) => ({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers }))),
    })
    while (records.length < sample.valid.length) await new Promise((r) => setTimeout(r, 50))
    await consumer.stop()
    expect(records.every((r) => isMasked(r.headers))).toBe(true)
    const places = {
      log: records.map((r) => r.value.toString('utf8')).join('\n'),
      'master table': JSON.stringify(await tf.twinflow.get(TOKENS.ClickHouseDriver).query('SELECT * FROM tf_master_listings')),
      'realtime store': JSON.stringify(
        await Promise.all(scrapedListingsPipeline.views.map((v) => tf.twinflow.get(TOKENS.RealtimeStore).readWindows(v.name, 0, Date.UTC(2100, 0, 1)))),
      ),
      'dead letters': JSON.stringify(letters.map((l) => ({ ...l, payload: l.payload.toString('utf8') }))),
      'log lines': lines.join('\n'),
    }
    expect(sample.text).toContain('@example.org')
    expect(sample.text).toContain('+49 151')
    for (const [place, text] of Object.entries(places)) {
      expect({ place, email: text.includes('@example.org'), phone: text.includes('+49 151') }).toEqual({ place, email: false, phone: false })
    }
  })
})
