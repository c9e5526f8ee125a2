import { afterAll, beforeAll, describe } from 'vitest'
import { batchRunHistory, batchSqlEquivalence } from '@twinflow/testing'
import { createJsonLogger } from '@twinflow/core'
import { ClickHouseServerDriver, parseClickHouseServerDriverOptions } from '@twinflow/plugin-clickhouse'
import { ClickHouseContainer, type StartedClickHouseContainer } from '../src/containers/index.ts'
import { e2eEnvironment } from '../src/e2e-environment.ts'

const env = await e2eEnvironment(['TWINFLOW_CLICKHOUSE_IMAGE'])

// The batch/speed equivalence property (random views and events: the batch SQL and the speed
// layer's JS give the same rows) and the run history's reading of outcomes, on the ClickHouse
// server image, not only on the embedded chdb. One server for both suites, started before them and
// stopped after them (each suite's own `dispose` leaves it running).
describe.skipIf(env.skip)(`ClickHouse ${env.images.TWINFLOW_CLICKHOUSE_IMAGE}`, () => {
  let container: StartedClickHouseContainer | undefined
  let driver: ClickHouseServerDriver | undefined
  beforeAll(async () => {
    container = await new ClickHouseContainer(env.images.TWINFLOW_CLICKHOUSE_IMAGE).start()
    driver = new ClickHouseServerDriver(parseClickHouseServerDriverOptions(container.getClientOptions()), createJsonLogger({ level: 'error' }))
    await driver.connect()
  }, 120_000)
  afterAll(async () => {
    await driver?.close()
    await container?.stop()
  })
  const server = { open: async () => ({ driver: driver!, dispose: async () => {} }) }
  batchSqlEquivalence(env.images.TWINFLOW_CLICKHOUSE_IMAGE, server)
  batchRunHistory(env.images.TWINFLOW_CLICKHOUSE_IMAGE, server)
})
