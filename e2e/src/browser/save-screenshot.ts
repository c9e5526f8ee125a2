import { mkdir } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { Page } from 'playwright-core'
import { REPO_ROOT } from '../harness/twinflow-process.ts'

/** Where screenshots go: artifacts/ at the repository root (git-ignored). */
export const SCREENSHOTS = resolve(REPO_ROOT, 'artifacts/screenshots')

/** Saves a screenshot of the page's viewport to `artifacts/screenshots/<name>.png` and returns its path. */
export async function saveScreenshot(page: Page, name: string): Promise<string> {
  if (!/^[\w.-]+$/.test(name)) throw new Error(`a screenshot name is a file name without extension (letters, digits, '.', '_', '-'): ${JSON.stringify(name)}`)
  await mkdir(SCREENSHOTS, { recursive: true })
  const path = resolve(SCREENSHOTS, `${name}.png`)
  await page.screenshot({ path })
  return path
}
