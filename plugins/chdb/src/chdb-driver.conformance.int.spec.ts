import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createJsonLogger } from '@twinflow/core'
import { clickHouseDriverConformance } from '@twinflow/testing/conformance'
import { ChdbDriver } from './chdb-driver.ts'

// The ClickHouseDriver conformance suite on chdb (a current ClickHouse), with the batch/speed SQL
// equivalence property; the end-to-end suite runs it on the ClickHouse server image (18.16).
clickHouseDriverConformance('chdb', {
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'twinflow-chdb-conformance-'))
    const driver = new ChdbDriver({ path: dir }, createJsonLogger({ level: 'silent' }))
    await driver.connect()
    return {
      driver,
      dispose: async () => {
        await driver.close()
        rmSync(dir, { recursive: true, force: true })
      },
    }
  },
})
