import type { Browser, BrowserContextOptions, Page } from 'playwright-core'
import { launchChromium } from './launch-chromium.ts'
import { RequestLog } from './request-log.ts'
import { saveScreenshot } from './save-screenshot.ts'

/**
 * One headless Chromium for a spec file (start it in `beforeAll`, `close` it in `afterAll`): pages
 * in fresh contexts, a log of every request they make, the uncaught errors of their scripts, and
 * screenshots under artifacts/screenshots/.
 */
export class BrowserHarness {
  readonly requests = new RequestLog()
  /** Uncaught exceptions of the pages' scripts, as `url: message`. */
  readonly pageErrors: string[] = []

  private constructor(readonly browser: Browser) {}

  /** Launches Chromium; fails naming the install command when it is missing. */
  static async launch(): Promise<BrowserHarness> {
    return new BrowserHarness(await launchChromium())
  }

  /** A page in a fresh context (no cookies or storage shared with other pages), its requests logged. */
  async newPage(options: BrowserContextOptions = {}): Promise<Page> {
    const context = await this.browser.newContext(options)
    this.requests.watch(context)
    const page = await context.newPage()
    page.on('pageerror', (error) => this.pageErrors.push(`${page.url()}: ${error.message}`))
    return page
  }

  /** Saves the page's viewport to `artifacts/screenshots/<name>.png` at the repository root; returns the path. */
  screenshot(page: Page, name: string): Promise<string> {
    return saveScreenshot(page, name)
  }

  /** Closes the browser with its contexts and pages; Playwright removes its profile directory. */
  async close(): Promise<void> {
    await this.browser.close()
  }
}
