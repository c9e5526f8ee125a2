export { nodeCronSchedulerPlugin } from './node-cron-scheduler-plugin.ts'
export { nodeCronSchedulerOptionsSchema, type NodeCronSchedulerOptions } from './node-cron-scheduler-options.ts'
export { NodeCronScheduler } from './node-cron-scheduler.ts'
