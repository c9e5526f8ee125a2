import { afterAll, beforeAll, describe } from 'vitest'
import { createJsonLogger } from '@twinflow/core'
import { realtimeStoreConformance } from '@twinflow/testing/conformance'
import { parseRedisRealtimeStoreOptions, RedisRealtimeStore } from '@twinflow/plugin-redis'
import { RedisContainer, type StartedRedisContainer } from '../src/containers/index.ts'
import { e2eEnvironment } from '../src/e2e-environment.ts'

const env = await e2eEnvironment(['TWINFLOW_REDIS_IMAGE'])
const logger = createJsonLogger({ level: 'error' })
let redis: StartedRedisContainer | undefined
let stores = 0

describe.skipIf(env.skip)(`Redis ${env.images.TWINFLOW_REDIS_IMAGE}`, () => {
  beforeAll(async () => {
    redis = await new RedisContainer(env.images.TWINFLOW_REDIS_IMAGE).start()
  }, 120_000)
  afterAll(async () => {
    await redis?.stop()
  })
  // Every store gets its own key prefix: a fresh, empty store on the shared server.
  realtimeStoreConformance(
    `RedisRealtimeStore on ${env.images.TWINFLOW_REDIS_IMAGE}`,
    () => new RedisRealtimeStore(parseRedisRealtimeStoreOptions({ ...redis!.getClientOptions(), keyPrefix: `conformance-${++stores}` }), logger),
    { sameStorage: (store) => new RedisRealtimeStore((store as RedisRealtimeStore).options, logger) },
  )
})
