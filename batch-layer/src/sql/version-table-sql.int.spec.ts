import { batchSqlEquivalence } from '../testing/batch-sql-equivalence'
import { openTestDriver } from '../testing/open-test-driver'

// The batch/speed equivalence property on the embedded chdb (a current ClickHouse); the end-to-end
// suite runs it on the ClickHouse server images too (e2e/conformance).
batchSqlEquivalence('chdb', {
  async open() {
    const driver = await openTestDriver()
    return { driver, dispose: () => driver.dispose() }
  },
})
