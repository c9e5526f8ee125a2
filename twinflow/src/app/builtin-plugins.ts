import type { AnyTwinflowPlugin } from '@twinflow/core'
import { chdbDriverPlugin } from '@twinflow/plugin-chdb'
import { clickhouseDriverPlugin } from '@twinflow/plugin-clickhouse'
import { kafkaDeadLetterQueuePlugin, kafkaEventLogPlugin, kafkaSinkPlugin } from '@twinflow/plugin-kafka'
import { redisRealtimeStorePlugin } from '@twinflow/plugin-redis'
import { fileSourcePlugin } from '@twinflow/plugin-file'
import { emailChannelPlugin } from '@twinflow/plugin-email'
import { generatorSourcePlugin } from '@twinflow/plugin-generator'
import { httpSourcePlugin } from '@twinflow/plugin-http'
import { httpPollSourcePlugin } from '@twinflow/plugin-http-poll'
import { localEventLogPlugin, memoryDeadLetterQueuePlugin, memoryEventLogPlugin, memoryRealtimeStorePlugin, memorySinkPlugin } from '@twinflow/plugin-memory'
import { nodeCronSchedulerPlugin } from '@twinflow/plugin-node-cron'
import { telegramChannelPlugin } from '@twinflow/plugin-telegram'
import { webhookSinkPlugin } from '@twinflow/plugin-webhook'
import { sqlSourcePlugin } from '@twinflow/plugin-sql'

/**
 * The plugins Twinflow ships. They are registered with `PluginRegistry.register`, exactly like a
 * third party's: nothing is registered by importing a module.
 */
export const builtinPlugins: readonly AnyTwinflowPlugin[] = [
  memoryEventLogPlugin,
  localEventLogPlugin,
  memoryRealtimeStorePlugin,
  memoryDeadLetterQueuePlugin,
  memorySinkPlugin,
  chdbDriverPlugin,
  kafkaEventLogPlugin,
  kafkaDeadLetterQueuePlugin,
  redisRealtimeStorePlugin,
  clickhouseDriverPlugin,
  nodeCronSchedulerPlugin,
  generatorSourcePlugin,
  fileSourcePlugin,
  httpSourcePlugin,
  httpPollSourcePlugin,
  emailChannelPlugin,
  telegramChannelPlugin,
  webhookSinkPlugin,
  kafkaSinkPlugin,
  sqlSourcePlugin,
]
