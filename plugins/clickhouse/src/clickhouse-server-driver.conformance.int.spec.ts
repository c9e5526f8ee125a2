import { describe } from 'vitest'
import { createJsonLogger } from '@twinflow/core'
import { clickHouseDriverConformance } from '@twinflow/testing/conformance'
import { ClickHouseServerDriver } from './clickhouse-server-driver.ts'
import { parseClickHouseServerDriverOptions } from './clickhouse-driver-options.ts'

// The ClickHouseDriver conformance suite (with the batch/speed and expression SQL equivalence
// properties) on a ClickHouse server you already run, without containers: set
// TWINFLOW_CLICKHOUSE_URL (and TWINFLOW_CLICKHOUSE_USER, TWINFLOW_CLICKHOUSE_PASSWORD). Each run
// works in a database of its own, dropped at the end. Skipped without the variable; the
// end-to-end suite runs the same suite on the server image (e2e/conformance/).
const url = process.env.TWINFLOW_CLICKHOUSE_URL

describe.skipIf(!url)('a ClickHouse server of TWINFLOW_CLICKHOUSE_URL', () => {
  clickHouseDriverConformance(`server ${url}`, {
    async open() {
      const credentials = { url, username: process.env.TWINFLOW_CLICKHOUSE_USER ?? 'default', password: process.env.TWINFLOW_CLICKHOUSE_PASSWORD ?? '' }
      const logger = createJsonLogger({ level: 'error' })
      const admin = new ClickHouseServerDriver(parseClickHouseServerDriverOptions(credentials), logger)
      await admin.connect()
      const database = `tf_conformance_${Date.now().toString(36)}_${Math.floor(Math.random() * 1e6)}`
      await admin.command(`CREATE DATABASE ${database}`)
      const driver = new ClickHouseServerDriver(parseClickHouseServerDriverOptions({ ...credentials, database }), logger)
      await driver.connect()
      return {
        driver,
        async dispose() {
          await driver.close()
          await admin.command(`DROP DATABASE IF EXISTS ${database}`)
          await admin.close()
        },
      }
    },
  })
})
