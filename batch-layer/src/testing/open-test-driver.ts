import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createJsonLogger } from '@twinflow/core'
import { ChdbDriver } from '@twinflow/plugin-chdb'

/**
 * A connected chdb driver on a fresh directory, for one test file (chdb binds one data directory
 * per process; vitest runs each file in its own fork). `dispose()` closes it and removes the directory.
 */
export async function openTestDriver(): Promise<ChdbDriver & { dispose(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'twinflow-batch-spec-'))
  const driver = new ChdbDriver({ path: dir }, createJsonLogger({ level: 'silent' }))
  await driver.connect()
  return Object.assign(driver, {
    async dispose() {
      await driver.close()
      rmSync(dir, { recursive: true, force: true })
    },
  })
}
