import { batchSqlEquivalence } from '@twinflow/testing'
import { openTestDriver } from '../testing/open-test-driver.ts'

// The batch/speed equivalence property on the embedded chdb (a current ClickHouse); the end-to-end
// suite runs it on the ClickHouse server images too (e2e/conformance).
batchSqlEquivalence('chdb', {
  async open() {
    const driver = await openTestDriver()
    return { driver, dispose: () => driver.dispose() }
  },
})
