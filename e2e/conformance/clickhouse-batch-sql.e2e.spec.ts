import { describe } from 'vitest'
import { batchSqlEquivalence } from '@twinflow/batch-layer/testing'
import { createJsonLogger } from '@twinflow/core'
import { ClickHouseServerDriver, parseClickHouseServerDriverOptions } from '@twinflow/plugin-clickhouse'
import { ClickHouseContainer, type StartedClickHouseContainer } from '../src/containers'
import { e2eEnvironment } from '../src/e2e-environment'

const env = await e2eEnvironment(['TWINFLOW_CLICKHOUSE_IMAGE'])

// The batch/speed equivalence property (random views and events: the batch SQL and the speed
// layer's JS give the same rows) on the ClickHouse server image, not only on the embedded chdb.
describe.skipIf(env.skip)(`ClickHouse ${env.images.TWINFLOW_CLICKHOUSE_IMAGE}`, () => {
  batchSqlEquivalence(env.images.TWINFLOW_CLICKHOUSE_IMAGE, {
    async open() {
      const container: StartedClickHouseContainer = await new ClickHouseContainer(env.images.TWINFLOW_CLICKHOUSE_IMAGE).start()
      const driver = new ClickHouseServerDriver(parseClickHouseServerDriverOptions(container.getClientOptions()), createJsonLogger({ level: 'error' }))
      try {
        await driver.connect()
      } catch (error) {
        await container.stop()
        throw error
      }
      return {
        driver,
        async dispose() {
          await driver.close()
          await container.stop()
        },
      }
    },
  })
})
