import { createHash } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { TOKENS, type BatchRun } from '@twinflow/core'
import { BATCH_TOKENS } from '@twinflow/batch-layer'
import { BrowserHarness, browserEnvironment } from '@twinflow/e2e/browser'
import { TestGraphQLClient } from './testing/graphql-client.ts'
import { cutoffOf, DAY, HOUR, startOnlineStore, T, type OnlineStoreFixture } from './testing/online-store-fixture.ts'

const iso = (t: number) => new Date(t).toISOString()
const FROM = T - DAY
const TO = T + 2 * HOUR
const SPLIT = `query($from: DateTime!, $to: DateTime!, $where: ShopRevenueFilter) {
  shopRevenueSplit(from: $from, to: $to, granularity: HOUR, measure: REVENUE_CENTS, splitBy: [SHOP], top: 5, where: $where) {
    windows cutoff version series { keys { shop } other values }
  }
}`

/** What the chart draws: its series' labels and, per label, the value at each window start (ms). */
async function drawn(page: Page): Promise<{ labels: string[]; values: Record<string, Record<number, number | null>> } | null> {
  return page.evaluate(() => {
    const u = (document.querySelector('.chart') as any)?.uplot
    if (!u || u.data[0].length === 0) return null
    const labels: string[] = u.series.slice(1).map((s: any) => s.label)
    const values: Record<string, Record<number, number | null>> = {}
    labels.forEach((label, i) => {
      values[label] = {}
      u.data[0].forEach((t: number, j: number) => (values[label]![t * 1000] = u.data[i + 1][j]))
    })
    return { labels, values }
  })
}

/**
 * Checks the chart against the API's answer: the same series in the same order (the shops, then
 * `other`), every window the API answered drawn with its value, every other bucket drawn as 0 (the
 * measure is a sum: a shop that sold nothing in an hour).
 */
function expectChartEquals(chart: NonNullable<Awaited<ReturnType<typeof drawn>>>, answer: any): void {
  expect(chart.labels.length).toBe(answer.series.length)
  chart.labels.forEach((label, i) => {
    const series = answer.series[i]
    if (series.other) expect(label).toMatch(/^other \(\d+ groups\)$/)
    else expect(label).toBe(series.keys.shop)
    const wanted = new Map<number, number>(answer.windows.map((w: string, j: number) => [Date.parse(w), series.values[j] ?? 0]))
    for (const [t, v] of Object.entries(chart.values[label]!)) expect(v, `${label} at ${iso(Number(t))}`).toBe(wanted.get(Number(t)) ?? 0)
    for (const t of wanted.keys()) expect(chart.values[label]![t], `${label} at ${iso(t)} is drawn`).toBeDefined()
  })
}

const env = browserEnvironment()

// The dashboard as a person uses it: Twinflow on the embedded runtimes, the dashboard at /ui in
// headless Chromium, on a network that reaches nothing but this machine.
describe.skipIf(env.skip)('the dashboard in a browser', () => {
  let fixture: OnlineStoreFixture
  let browser: BrowserHarness
  let page: Page
  let dashboard: string
  let api: TestGraphQLClient
  const viewUrl = (query: string) => `${dashboard}views/shopRevenue?m=revenueCents&split=shop&top=5&from=${iso(FROM)}&to=${iso(TO)}&g=HOUR${query}`

  beforeAll(async () => {
    browser = await BrowserHarness.launch()
    fixture = await startOnlineStore({
      serving: { port: 0, host: '127.0.0.1', accessLog: false, subscriptions: { pollIntervalMs: 50 } },
      batch: { runner: { retries: 0 } },
    })
    dashboard = fixture.twinflow.dashboardUrl!
    api = new TestGraphQLClient(fixture.twinflow.url!)
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  })
  afterAll(async () => {
    await browser?.close()
    await fixture?.twinflow.stop()
  })

  it('opens a view of the example pipeline: the chart shows what the API returns, the cutoff drawn, with its freshness', async () => {
    await page.goto(viewUrl(''))
    await expect.poll(() => drawn(page), { timeout: 20_000 }).not.toBeNull()
    const answer = (await api.query(SPLIT, { from: iso(FROM), to: iso(TO) })).data!.shopRevenueSplit
    expectChartEquals((await drawn(page))!, answer)
    expect(answer.cutoff).toBe(iso(cutoffOf(HOUR)))
    const freshness = page.getByTestId('freshness')
    await expect.poll(() => freshness.innerText()).toContain('v1')
    expect(await freshness.innerText()).toContain('2026-11-23 12:00')
    expect(await page.locator('.legend-note').innerText()).toContain('batch version v1')
    // The top-N table ranks the shops by the charted measure, as the API's top-N does.
    const top = (await api.query(`{ shopRevenueTop(from: "${iso(FROM)}", to: "${iso(TO)}", by: REVENUE_CENTS, limit: 20) { rows { shop } } }`)).data!.shopRevenueTop.rows
    await expect.poll(() => page.getByTestId('top-table').locator('tbody tr td:nth-child(2)').allInnerTexts()).toEqual(top.map((r: any) => r.shop))
    await browser.screenshot(page, 'dashboard-view')
    expect(browser.requests.outside(dashboard), 'requests to another origin than the server').toEqual([])
    expect(browser.pageErrors).toEqual([])
  })

  it('follows the speed layer: produced events change the chart without a reload', async () => {
    await page.evaluate(() => ((window as any).__sameDocument = true))
    const before = (await drawn(page))!
    const best = before.labels[0]!
    const noon = Date.UTC(2026, 10, 23, 12)
    await fixture.produce('orders', [{ orderId: 'live-dash-1', shopId: best, customerId: 'c-1', amountCents: 500_000, items: 1, status: 'paid', ts: T + 60_000 }])
    await expect.poll(async () => (await drawn(page))?.values[best]?.[noon], { timeout: 20_000 }).toBe(before.values[best]![noon]! + 500_000)
    expect(await page.evaluate(() => (window as any).__sameDocument)).toBe(true)
    const answer = (await api.query(SPLIT, { from: iso(FROM), to: iso(TO) })).data!.shopRevenueSplit
    expectChartEquals((await drawn(page))!, answer)
    await browser.screenshot(page, 'dashboard-live')
  })

  it('filters by a key: the chart and the table show that shop only, and the URL keeps the filter', async () => {
    await page.getByLabel('Filter key').selectOption('shop')
    await page.getByLabel('Filter value').fill('shop-3')
    await page.getByRole('button', { name: 'Add filter' }).click()
    await expect.poll(async () => (await drawn(page))?.labels).toEqual(['shop-3'])
    expect(new URL(page.url()).searchParams.getAll('f.shop')).toEqual(['shop-3'])
    const answer = (await api.query(SPLIT, { from: iso(FROM), to: iso(TO), where: { shopIn: ['shop-3'] } })).data!.shopRevenueSplit
    expectChartEquals((await drawn(page))!, answer)
    await expect.poll(() => page.getByTestId('top-table').locator('tbody tr').count()).toBe(1)
    await browser.screenshot(page, 'dashboard-filter')
    // A bookmark opens the same chart.
    await page.reload()
    await expect.poll(async () => (await drawn(page))?.labels, { timeout: 20_000 }).toEqual(['shop-3'])
    await expect(page.getByTestId('filter-chip').innerText()).resolves.toContain('shop = shop-3')
  })

  it('exports the chart as CSV and as PNG', async () => {
    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
    const text = await new Response((await csv.createReadStream()) as any).text()
    const lines = text.trim().split('\r\n')
    expect(lines[0]).toBe('windowStart,shop-3')
    const chart = (await drawn(page))!
    expect(lines.length - 1).toBe(Object.keys(chart.values['shop-3']!).length)
    const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()])
    expect(png.suggestedFilename()).toMatch(/^shopRevenue-revenueCents-.*\.png$/)
    const bytes = Buffer.from(await new Response((await png.createReadStream()) as any).arrayBuffer())
    expect(bytes.subarray(1, 4).toString()).toBe('PNG')
  })

  it('shows the pipeline after a failed batch run, with its error', async () => {
    // A real failure: the master table of pageViews is away while shopTraffic's run reads it.
    const driver = fixture.twinflow.get(TOKENS.ClickHouseDriver)
    await driver.command('RENAME TABLE tf_master_pageViews TO tf_master_pageViews_away')
    let run: BatchRun
    try {
      run = await fixture.twinflow.get(BATCH_TOKENS.Runner).runView('shopTraffic')
    } finally {
      await driver.command('RENAME TABLE tf_master_pageViews_away TO tf_master_pageViews')
    }
    expect(run.status).toBe('failed')
    await page.goto(`${dashboard}pipeline`)
    const failed = page.getByTestId('runs-table').locator('tr.failed-row')
    await expect.poll(() => failed.count(), { timeout: 20_000 }).toBe(1)
    const row = await failed.innerText()
    expect(row).toContain('shopTraffic')
    expect(row).toContain('failed')
    expect(row).toContain(run.error!.slice(0, 40))
    expect(await page.getByTestId('streams-table').innerText()).toContain('twinflow.orders')
    expect(await page.getByTestId('partitions-table').locator('tbody tr').count()).toBeGreaterThan(0)
    expect(await page.getByTestId('dead-letters-table').innerText()).toMatch(/archiver|speed/)
    await browser.screenshot(page, 'dashboard-pipeline')
    expect(browser.requests.outside(dashboard), 'requests to another origin than the server').toEqual([])
    expect(browser.pageErrors).toEqual([])
  })
})

// Access: the same authentication as the API; the key is asked once and kept for the tab's session.
describe.skipIf(env.skip)('the dashboard behind API keys', () => {
  const KEY = 'shops-dashboard-key-0123456789'
  let fixture: OnlineStoreFixture
  let browser: BrowserHarness
  let page: Page
  let dashboard: string

  beforeAll(async () => {
    browser = await BrowserHarness.launch()
    const sha256 = createHash('sha256').update(KEY).digest('hex')
    fixture = await startOnlineStore({
      serving: { port: 0, host: '127.0.0.1', accessLog: false, auth: { mode: 'api-key', keys: [{ name: 'shops', sha256, views: ['shopRevenue'] }] } },
    })
    dashboard = fixture.twinflow.dashboardUrl!
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } })
  })
  afterAll(async () => {
    await browser?.close()
    await fixture?.twinflow.stop()
  })

  it('asks for the key once, keeps it for the session, and shows only the views the key may read', async () => {
    await page.goto(`${dashboard}pipeline`)
    await page.getByRole('heading', { name: 'Sign in' }).waitFor()
    await page.locator('input[name=credential]').fill('not-the-key')
    await page.getByRole('button', { name: 'Open the dashboard' }).click()
    await expect.poll(() => page.getByRole('alert').innerText()).toContain('The server refused this credential.')
    await browser.screenshot(page, 'dashboard-sign-in')
    await page.locator('input[name=credential]').fill(KEY)
    await page.getByRole('button', { name: 'Open the dashboard' }).click()
    await expect.poll(() => page.getByTestId('views-table').locator('tbody tr').allInnerTexts(), { timeout: 20_000 }).toHaveLength(1)
    expect(await page.locator('.nav-item[data-view]').allInnerTexts()).toEqual([expect.stringContaining('shopRevenue')])
    expect(await page.getByTestId('streams-table').locator('tbody tr td:first-child').allInnerTexts()).toEqual(['orders'])
    // Kept for the session: a reload (or a bookmark opened in this tab) does not ask again.
    await page.goto(`${dashboard}views/orderMix`)
    await expect.poll(() => page.locator('main').innerText()).toContain('No view "orderMix" that you may read.')
    await page.goto(`${dashboard}views/shopRevenue?from=${iso(T - DAY)}&to=${iso(T + HOUR)}`)
    await expect.poll(async () => (await drawn(page))?.labels.length ?? 0, { timeout: 20_000 }).toBeGreaterThan(0)
    expect(await page.getByRole('heading', { name: 'Sign in' }).count()).toBe(0)
    expect(browser.requests.outside(dashboard), 'requests to another origin than the server').toEqual([])
    expect(browser.pageErrors).toEqual([])
  })
})
