import { afterAll, beforeAll, describe } from 'vitest'
import { createJsonLogger } from '@twinflow/core'
import { eventLogConformance } from '@twinflow/plugin-memory/testing'
import { KafkaEventLog, parseKafkaOptions } from '@twinflow/plugin-kafka'
import { KafkaContainer, type StartedKafkaContainer } from '../src/containers'
import { e2eEnvironment } from '../src/e2e-environment'
import type { ImageVariable } from '../src/images'
import { settings } from '../src/settings'

const VERSIONS: ImageVariable[] = ['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_KAFKA4_IMAGE']
const env = await e2eEnvironment(VERSIONS)
const logger = createJsonLogger({ level: settings.verbose ? 'debug' : 'error' })

for (const variable of VERSIONS) {
  const image = env.images[variable]
  describe.skipIf(env.skip)(`Kafka ${image}`, { timeout: 180_000 }, () => {
    let kafka: StartedKafkaContainer | undefined
    beforeAll(async () => {
      kafka = await new KafkaContainer(image).start()
    }, 180_000)
    afterAll(async () => {
      await kafka?.stop()
    })
    // Short session and heartbeat: members that leave or join are noticed in seconds.
    eventLogConformance(
      `KafkaEventLog on ${image}`,
      () => new KafkaEventLog(parseKafkaOptions({ ...kafka!.getClientOptions(), sessionTimeoutMs: 6000, heartbeatIntervalMs: 500, maxWaitTimeMs: 500 }), logger),
      { timeoutMs: 60_000 },
    )
  })
}
