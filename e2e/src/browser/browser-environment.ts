import { settings } from '../settings.ts'

export type BrowserEnvironment = { skip: false } | { skip: true; reason: string }

/**
 * Whether a browser spec runs: always, except when the user opted out with TWINFLOW_E2E=skip
 * (ignored under CI=true), which leaves out every test that needs a machine-level install (Docker,
 * Chromium). A missing Chromium is not a reason to skip: `launchChromium` fails saying how to get it.
 */
export function browserEnvironment(): BrowserEnvironment {
  if (settings.skipRequested && !settings.ci) {
    console.warn('TWINFLOW_E2E=skip: skipping the browser tests')
    return { skip: true, reason: 'TWINFLOW_E2E=skip: the browser tests are skipped at your request' }
  }
  return { skip: false }
}
