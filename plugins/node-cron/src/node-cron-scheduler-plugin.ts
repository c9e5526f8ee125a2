import { definePlugin, parseOptions } from '@twinflow/core'
import { NodeCronScheduler } from './node-cron-scheduler.ts'
import { nodeCronSchedulerOptionsSchema, type NodeCronSchedulerOptions } from './node-cron-scheduler-options.ts'

/** The in-process cron scheduler: `{ plugin: 'node-cron' }`. */
export const nodeCronSchedulerPlugin = definePlugin<'scheduler', NodeCronSchedulerOptions>({
  kind: 'scheduler',
  name: 'node-cron',
  description: 'Cron schedules in this process (npm node-cron), in UTC; overlapping runs are skipped.',
  parseOptions: (raw) => parseOptions(nodeCronSchedulerOptionsSchema, raw ?? {}),
  create: (_options, { logger }) => new NodeCronScheduler(logger),
})
