import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Page } from 'playwright-core'
import { SERVING_TOKENS } from '@twinflow/serving-layer'
import { BrowserHarness, browserEnvironment } from '@twinflow/e2e/browser'
import { TestGraphQLClient } from './testing/graphql-client.ts'
import { cutoffOf, HOUR, startOnlineStore, T, type OnlineStoreFixture } from './testing/online-store-fixture.ts'

const iso = (t: number) => new Date(t).toISOString()
const DAY_START = Date.UTC(2026, 10, 23)
const QUERY = `{ shopRevenue(from: "${iso(DAY_START)}", to: "${iso(DAY_START + 24 * HOUR)}", granularity: DAY) { rows { shop orders } } }`
const SUBSCRIPTION = `subscription { shopRevenue(from: "${iso(cutoffOf(HOUR))}", to: "${iso(T + 2 * HOUR)}", where: { shop: "shop-new" }) { rows { windowStart shop orders } } }`

/** The text of a GraphiQL editor (Monaco renders only the lines in view: the answers here fit). */
async function editorText(page: Page, editor: '.graphiql-query-editor' | '.graphiql-response'): Promise<string> {
  const lines = await page.locator(`${editor} .view-line`).evaluateAll((els) => els.map((el) => [Number.parseFloat((el as HTMLElement).style.top), el.textContent ?? ''] as const))
  return lines
    .sort((a, b) => a[0] - b[0])
    .map(([, text]) => text.replaceAll('\u00a0', ' '))
    .join('\n')
}

/** The answer GraphiQL shows, or null while the pane holds no JSON yet. */
async function shownAnswer(page: Page): Promise<any> {
  try {
    return JSON.parse(await editorText(page, '.graphiql-response'))
  } catch {
    return null
  }
}

/** Replaces the query editor's text by typing it, key by key, as a person would. */
async function typeQuery(page: Page, text: string): Promise<void> {
  await page.locator('.graphiql-query-editor .monaco-editor .view-lines').click()
  await page.keyboard.press('Control+A')
  await page.keyboard.press('Backspace')
  await page.keyboard.type(text)
  // Closes the completion list Monaco may have open, so that Ctrl-Enter runs the query.
  await page.keyboard.press('Escape')
  // Monaco draws what was typed at its next animation frame.
  await expect.poll(() => editorText(page, '.graphiql-query-editor'), { timeout: 5_000 }).toBe(text)
}

/** Clicks GraphiQL's prettify button: the query on several lines shows whole in a screenshot. */
async function prettify(page: Page): Promise<void> {
  await page.locator('button[aria-label^="Prettify query"]').click()
  await expect.poll(() => editorText(page, '.graphiql-query-editor'), { timeout: 5_000 }).toContain('\n    rows {\n')
}

const env = browserEnvironment()

// GraphiQL, as a person uses it: Twinflow on the embedded runtimes with GraphiQL on, the page in
// headless Chromium on a network that reaches nothing but this machine.
describe.skipIf(env.skip)('GraphiQL in a browser, offline', () => {
  let fixture: OnlineStoreFixture
  let browser: BrowserHarness
  let page: Page
  let url: string

  beforeAll(async () => {
    // The browser first: without Chromium the file fails at once, saying how to install it.
    browser = await BrowserHarness.launch()
    fixture = await startOnlineStore({ serving: { port: 0, host: '127.0.0.1', graphiql: true, accessLog: false, subscriptions: { pollIntervalMs: 50 } } })
    url = fixture.twinflow.url!
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } })
  })
  afterAll(async () => {
    await browser?.close()
    await fixture?.twinflow.stop()
  })

  it('loads from the server alone, runs a typed query and shows the rows the API returns', async () => {
    await page.goto(url)
    // Nothing of the page came from elsewhere (yoga's own page takes GraphiQL from a CDN).
    expect(browser.requests.outside(url), 'requests to another origin than the server').toEqual([])
    await expect(page.title()).resolves.toBe('Twinflow')
    await page.locator('.graphiql-query-editor .monaco-editor').waitFor({ timeout: 15_000 })
    await typeQuery(page, QUERY)
    await page.keyboard.press('Control+Enter')
    await expect.poll(() => shownAnswer(page), { timeout: 20_000 }).not.toBeNull()

    const overHttp = await new TestGraphQLClient(url).query(QUERY)
    expect(overHttp.errors).toBeUndefined()
    expect(overHttp.data!.shopRevenue.rows.length).toBeGreaterThan(0)
    expect(await shownAnswer(page)).toEqual({ data: overHttp.data })
    await prettify(page)
    await browser.screenshot(page, 'graphiql-query')

    // Every request stayed on this server: the page, its workers, the schema's introspection, the query.
    expect(browser.requests.urls.length).toBeGreaterThan(2)
    expect(browser.requests.outside(url), 'requests to another origin than the server').toEqual([])
    expect(browser.pageErrors).toEqual([])
  })

  it('runs a subscription over SSE: the answer pane follows the speed layer', async () => {
    await typeQuery(page, SUBSCRIPTION)
    await prettify(page)
    await page.locator('.graphiql-execute-button').click()
    await expect.poll(() => shownAnswer(page), { timeout: 20_000 }).toEqual({ data: { shopRevenue: { rows: [] } } })
    await fixture.produce('orders', [{ orderId: 'live-1', shopId: 'shop-new', customerId: 'c-1', amountCents: 1234, items: 1, status: 'paid', ts: T + 60_000 }])
    await expect
      .poll(() => shownAnswer(page), { timeout: 20_000 })
      .toEqual({ data: { shopRevenue: { rows: [{ windowStart: iso(Date.UTC(2026, 10, 23, 12)), shop: 'shop-new', orders: 1 }] } } })
    await browser.screenshot(page, 'graphiql-subscription')

    // The run button, a stop button while the subscription runs, ends it on the server too.
    await page.locator('.graphiql-execute-button').click()
    const feed = fixture.twinflow.get(SERVING_TOKENS.ChangeFeed)
    await expect.poll(() => feed.size, { timeout: 5_000 }).toBe(0)
    expect(browser.requests.outside(url), 'requests to another origin than the server').toEqual([])
    expect(browser.pageErrors).toEqual([])
  })
})
