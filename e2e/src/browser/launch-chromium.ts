import { existsSync } from 'node:fs'
import { type Browser, chromium } from 'playwright-core'

/** Debian's Chromium: the only browser the tests drive (nothing downloads a browser build). */
export const CHROMIUM = '/usr/bin/chromium'
/** Installs it (as root; idempotent). `npm test`'s preparation and CI run it. */
export const INSTALL_CHROMIUM = 'bash e2e/browser/setup-chromium.sh'

/**
 * The flags this machine needs. Without the background-networking ones Chromium's own connections
 * (updates, field trials, sync) are refused by the closed network. Playwright adds a fresh
 * `--user-data-dir` (a temporary directory it removes on close) and `--remote-debugging-pipe`.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/** Launches headless Chromium with playwright-core. The caller closes it. Fails naming the install command when Chromium is missing. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`The browser tests need Debian's Chromium at ${CHROMIUM}, and it is missing.\n  Install it (as root) with: ${INSTALL_CHROMIUM}  (apt-get install -y chromium)`)
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...CHROMIUM_FLAGS] })
}
