import type { TwinflowPlugin } from '@twinflow/core'
import { chdbDriverPlugin } from '@twinflow/plugin-chdb'
import { generatorSourcePlugin } from '@twinflow/plugin-generator'
import { memoryDeadLetterQueuePlugin, memoryEventLogPlugin, memoryRealtimeStorePlugin } from '@twinflow/plugin-memory'
import { nodeCronSchedulerPlugin } from '@twinflow/plugin-node-cron'

/**
 * The plugins Twinflow ships. They are registered with `PluginRegistry.register`, exactly like a
 * third party's: nothing is registered by importing a module.
 */
export const builtinPlugins: readonly TwinflowPlugin<any, any>[] = [
  memoryEventLogPlugin,
  memoryRealtimeStorePlugin,
  memoryDeadLetterQueuePlugin,
  chdbDriverPlugin,
  nodeCronSchedulerPlugin,
  generatorSourcePlugin,
]
