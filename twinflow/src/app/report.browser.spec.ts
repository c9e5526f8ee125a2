import { TOKENS, type ReportNotification } from '@twinflow/core'
import { onlineStorePipeline } from '@twinflow/example-online-store'
import type { MemorySink } from '@twinflow/plugin-memory'
import { REPORT_TOKENS } from '@twinflow/report-layer'
import { BrowserHarness, browserEnvironment } from '@twinflow/e2e/browser'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { graphqlRequest } from '../testing/graphql-request.ts'
import { startOnlineStore, type OnlineStoreFixture } from './testing/online-store-fixture.ts'

/** 07:00 in Jakarta on 24 Nov 2026: the report covers 23 Nov there (22 Nov 17:00 to 23 Nov 17:00 UTC), across the batch cutoff. */
const AT = Date.parse('2026-11-24T00:00:00Z')
/** Where the page is served from, as a mail client shows a message: its parts (the charts) at cid/<content id>. */
const MAIL = 'https://mail.test'
const env = browserEnvironment()

// The report as a person reads it: its HTML in headless Chromium, each `cid:` image resolved to the
// message's PNG part as a mail client does, nothing else reachable.
describe.skipIf(env.skip)('the report email in a browser', () => {
  let fixture: OnlineStoreFixture
  let browser: BrowserHarness
  let page: Page
  let sent: ReportNotification

  beforeAll(async () => {
    browser = await BrowserHarness.launch()
    fixture = await startOnlineStore({ sinks: [{ plugin: 'memory', name: 'inbox', kinds: ['report'] }], reports: { channels: { 'daily-revenue': ['inbox'] } } })
    const result = await fixture.twinflow.get(REPORT_TOKENS.Runner).run(onlineStorePipeline.report('daily-revenue'), AT, 'schedule')
    expect(result.status).toBe('ran')
    const inbox = fixture.twinflow.container.getAll<MemorySink>(TOKENS.Sink).find((s) => s.name === 'inbox')!
    sent = inbox.notifications().find((n): n is ReportNotification => n.kind === 'report')!
    page = await browser.newPage({ viewport: { width: 900, height: 1700 } })
    const parts = new Map(sent.report.attachments.map((a) => [a.contentId, a]))
    await page.route(`${MAIL}/**`, (route) => {
      const path = new URL(route.request().url()).pathname
      if (path === '/message.html') return route.fulfill({ contentType: 'text/html; charset=utf-8', body: sent.report.html.replaceAll('src="cid:', `src="${MAIL}/cid/`) })
      const part = parts.get(decodeURIComponent(path.replace(/^\/cid\//, '')))
      return part ? route.fulfill({ contentType: part.contentType, body: Buffer.from(part.content) }) : route.fulfill({ status: 404, body: '' })
    })
  }, 180_000)
  afterAll(async () => {
    await browser?.close()
    await fixture?.twinflow.stop()
  })

  it('shows the API numbers in its tables and a chart that decodes, and loads nothing from elsewhere', async () => {
    await page.goto(`${MAIL}/message.html`)
    expect(await page.locator('h1').innerText()).toBe('Online store: revenue yesterday')
    const { from, to } = sent.report.period
    const { data } = await graphqlRequest(
      fixture.twinflow.url!,
      `{ shopRevenueTop(from: "${new Date(from).toISOString()}", to: "${new Date(to).toISOString()}", by: REVENUE_CENTS, limit: 10) { rows { shop orders revenueCents avgOrderCents } } }`,
    )
    const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
    const expected = (data!.shopRevenueTop.rows as Record<string, number | string>[]).map((r) => [
      String(r.shop),
      fmt.format(r.orders as number),
      fmt.format(r.revenueCents as number),
      fmt.format(r.avgOrderCents as number),
    ])
    expect(expected.length).toBeGreaterThan(0)
    const shown = await page
      .locator('section')
      .first()
      .locator('tbody tr')
      .evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('td')].map((td) => (td as HTMLElement).innerText)))
    expect(shown).toEqual(expected)
    // The chart: its part was fetched and decodes to an image of a sane size.
    const img = page.locator('section img').first()
    await img.scrollIntoViewIfNeeded()
    const size = await img.evaluate(async (el) => {
      const image = el as HTMLImageElement
      await image.decode()
      return { natural: [image.naturalWidth, image.naturalHeight], shown: [image.width, image.height] }
    })
    expect(size.natural).toEqual([1440, 720])
    expect(size.shown[0]).toBeGreaterThan(300)
    expect(size.shown[1]).toBeGreaterThan(150)
    await page.evaluate(() => window.scrollTo(0, 0))
    const path = await browser.screenshot(page, 'report-email')
    expect(path).toMatch(/artifacts\/screenshots\/report-email\.png$/)
    // Only the message and its own parts: no remote image, font or script.
    expect(browser.requests.outside(MAIL), 'requests outside the message').toEqual([])
    expect(browser.requests.urls.filter((u) => u.includes('/cid/'))).toHaveLength(sent.report.attachments.length)
    expect(browser.pageErrors).toEqual([])
  })
})
