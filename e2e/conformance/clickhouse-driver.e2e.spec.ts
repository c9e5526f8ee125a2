import { afterAll, beforeAll, describe } from 'vitest'
import { clickHouseDriverConformance } from '@twinflow/testing/conformance'
import { createJsonLogger } from '@twinflow/core'
import { ClickHouseServerDriver, parseClickHouseServerDriverOptions } from '@twinflow/plugin-clickhouse'
import { ClickHouseContainer, type StartedClickHouseContainer } from '../src/containers/index.ts'
import { e2eEnvironment } from '../src/e2e-environment.ts'

const env = await e2eEnvironment(['TWINFLOW_CLICKHOUSE_IMAGE'])

// The ClickHouseDriver conformance suite (statements, decoding, errors, the batch/speed equivalence
// property and the run history) on the ClickHouse server image, not only on the embedded chdb.
// One server for the whole suite, started before it and stopped after it.
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
  clickHouseDriverConformance(env.images.TWINFLOW_CLICKHOUSE_IMAGE, { open: async () => ({ driver: driver!, dispose: async () => {} }) })
})
