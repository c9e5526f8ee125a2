import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TOKENS } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { launchChromium } from '@twinflow/e2e/browser'
import { createTwinflow, parseConfig, type Twinflow } from 'twinflow'
import { generateReadings, sensorPipeline, sensorReadings } from '../src/sensor-readings.ts'
import type { Check, EmbeddedScenario } from '../src/scenario.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const SENSORS = 200
const PER_HOUR = 2
/** The dashboard's performance marks (dashboard/ui/views/first-chart-mark.ts). */
const FIRST_CHART_MARK = 'twinflow:first-chart'
/** Page loads measured in a quick and in a full run (after one that is not counted). */
const LOADS = { quick: 5, full: 15 }

/** What one page load cost: time to the first chart, the bytes of its scripts and styles, its requests. */
interface Load {
  firstChartMs: number
  /** The script loaded and run (its resource entry's end), the views' metadata read, the chart's first answer received. */
  scriptMs: number
  viewsMs: number
  answerMs: number
  jsRaw: number
  jsGzip: number
  cssRaw: number
  cssGzip: number
  requests: number
  points: number
  series: number
}

/**
 * dashboard: the time from navigation start to the first chart drawn, in headless Chromium (Debian's,
 * as the browser tests), for the view of 7 days of hourly data of 200 sensors (33,600 rows: the
 * dashboard asks for the top 10 and `other`, rolled up by the server), each load in a fresh browser
 * context (nothing cached); and the page's weight: its JavaScript and CSS, raw and as transferred
 * (gzip). On the embedded runtimes (in-process log and store, chdb): no container. The batch layer
 * holds the history up to its cutoff, the speed layer the newest hours.
 */
export const dashboardScenario: EmbeddedScenario = {
  name: 'dashboard',
  embedded: true,
  async run(ctx) {
    const dataDir = mkdtempSync(join(tmpdir(), 'twinflow-bench-dashboard-'))
    const now = Date.now()
    const events = generateReadings(SENSORS, PER_HOUR, Math.floor(now / HOUR) * HOUR - 7 * DAY, now)
    const twinflow = createTwinflow({
      pipeline: sensorPipeline,
      config: parseConfig({ serving: { port: 0, host: '127.0.0.1', accessLog: false }, batch: { schedule: '0 0 1 1 *' }, log: { level: 'warn' } }, { dataDir }),
    })
    const browser = await launchChromium()
    try {
      await twinflow.start(['archiver', 'speed', 'serve'], { connect: ['batch'] })
      ctx.log(`producing ${events.length} readings (7 days, ${SENSORS} sensors, hourly)`)
      const log = twinflow.get(TOKENS.EventLog)
      for (let i = 0; i < events.length; i += 5000) await log.produce(readingsTopic(), toMessages(events.slice(i, i + 5000)))
      await caughtUp(twinflow)
      const run = await twinflow.get(BATCH_TOKENS.Runner).runView(sensorReadings.name)
      if (run.status !== 'succeeded') throw new Error(`the batch run failed: ${run.error}`)
      const url = `${twinflow.dashboardUrl}views/${sensorReadings.name}?m=total&split=sensor&top=10&range=7d&g=HOUR`

      const loads: Load[] = []
      const count = ctx.quick ? LOADS.quick : LOADS.full
      for (let i = 0; i <= count; i++) {
        const load = await measureLoad(browser, url)
        // Every load draws the whole week: 168 or 169 hourly buckets (the range ends with the current hour), 11 series.
        if (load.series !== 11 || load.points < 168) throw new Error(`the chart drew ${load.series} series of ${load.points} points, not 11 of 168`)
        if (i > 0) loads.push(load)
      }
      const kib = (bytes: number) => bytes / 1024
      const checks: Check[] = [
        { name: `time to first chart: 7 days hourly × ${SENSORS} keys → top 10 + other`, samples: loads.map((l) => l.firstChartMs), unit: 'ms', target: { op: '<=', value: 1000 } },
        { name: 'reference: where it goes: the script received', samples: loads.map((l) => l.scriptMs), unit: 'ms', target: null },
        {
          name: 'reference: where it goes: the views known (in the page without authentication, else a pipeline query)',
          samples: loads.map((l) => l.viewsMs),
          unit: 'ms',
          target: null,
        },
        { name: "reference: where it goes: the chart's first answer (<view>Split subscription)", samples: loads.map((l) => l.answerMs), unit: 'ms', target: null },
        { name: 'page JavaScript, gzipped (as transferred)', samples: loads.map((l) => kib(l.jsGzip)), unit: 'KiB', target: { op: '<=', value: 500 } },
        { name: 'reference: page JavaScript, raw', samples: loads.map((l) => kib(l.jsRaw)), unit: 'KiB', target: null },
        { name: 'reference: page CSS, gzipped', samples: loads.map((l) => kib(l.cssGzip)), unit: 'KiB', target: null },
        { name: 'reference: page CSS, raw', samples: loads.map((l) => kib(l.cssRaw)), unit: 'KiB', target: null },
        { name: 'reference: requests until the first chart (page, assets, queries, subscription)', samples: loads.map((l) => l.requests), unit: 'requests', target: null },
      ]
      return {
        scenario: 'dashboard',
        setup: [
          `${events.length} readings of ${SENSORS} sensors over 7 days (${SENSORS * 7 * 24} hourly rows), batch up to ${run.cutoff ? new Date(run.cutoff).toISOString() : 'none'}, speed layer after;`,
          `${count} page loads in fresh Chromium contexts (1280×800) after one not counted, from navigation start to the chart's first draw with data.`,
        ],
        checks,
      }
    } finally {
      await browser.close()
      await twinflow.stop()
      rmSync(dataDir, { recursive: true, force: true })
    }
  },
}

function readingsTopic(): string {
  return sensorPipeline.streams[0]!.topic
}

function toMessages(events: readonly object[]) {
  return events.map((e) => ({ value: Buffer.from(JSON.stringify(e)) }))
}

async function measureLoad(browser: Awaited<ReturnType<typeof launchChromium>>, url: string): Promise<Load> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  try {
    const page = await context.newPage()
    let requests = 0
    let counting = true
    page.on('request', () => {
      if (counting) requests++
    })
    await page.goto(url, { waitUntil: 'commit' })
    await page.waitForFunction((mark) => performance.getEntriesByName(mark).length > 0, FIRST_CHART_MARK, { timeout: 30_000 })
    counting = false
    return await page
      .evaluate((mark) => {
        // No named function in here: tsx's helpers (__name) do not exist in the page.
        const [firstChartMs, viewsMs, answerMs] = [mark, 'twinflow:views-loaded', 'twinflow:first-answer'].map(
          (name) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN,
        )
        const script = (performance.getEntriesByType('resource') as PerformanceResourceTiming[]).find((e) => e.name.endsWith('.js'))
        let jsRaw = 0
        let jsGzip = 0
        let cssRaw = 0
        let cssGzip = 0
        for (const entry of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
          if (entry.name.endsWith('.js')) {
            jsRaw += entry.decodedBodySize
            jsGzip += entry.encodedBodySize
          } else if (entry.name.endsWith('.css')) {
            cssRaw += entry.decodedBodySize
            cssGzip += entry.encodedBodySize
          }
        }
        const u = (document.querySelector('.chart') as any).uplot
        return {
          firstChartMs: firstChartMs!,
          scriptMs: script?.responseEnd ?? Number.NaN,
          viewsMs: viewsMs!,
          answerMs: answerMs!,
          jsRaw,
          jsGzip,
          cssRaw,
          cssGzip,
          requests: 0,
          points: u.data[0].length,
          series: u.series.length - 1,
        }
      }, FIRST_CHART_MARK)
      .then((load) => ({ ...load, requests }))
  } finally {
    await context.close()
  }
}

/** Waits until the archiver and the speed layer have taken every record of the log. */
async function caughtUp(twinflow: Twinflow): Promise<void> {
  const log = twinflow.get(TOKENS.EventLog)
  const store = twinflow.get(TOKENS.RealtimeStore)
  const engine = twinflow.get(TOKENS.BatchEngine)
  const topic = readingsTopic()
  const deadline = Date.now() + 120_000
  for (;;) {
    const [ends, applied, archived] = await Promise.all([log.endOffsets(topic), store.progress('twinflow-speed', topic), engine.archivedOffsets('readings')])
    let pending = 0
    for (const [p, end] of ends) pending += Math.max(0, end - 1 - (applied.get(p) ?? -1)) + Math.max(0, end - 1 - (archived.get(p) ?? -1))
    if (pending === 0) return
    if (Date.now() > deadline) throw new Error(`${pending} records still to archive or apply`)
    await new Promise((r) => setTimeout(r, 200))
  }
}
