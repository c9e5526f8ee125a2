import { batchRunHistory } from '@twinflow/testing'
import { openTestDriver } from '../testing/open-test-driver.ts'

// The run history's SQL on the embedded chdb (a current ClickHouse); the end-to-end suite runs it
// on the ClickHouse server image too (e2e/conformance).
batchRunHistory('chdb', {
  async open() {
    const driver = await openTestDriver()
    return { driver, dispose: () => driver.dispose() }
  },
})
