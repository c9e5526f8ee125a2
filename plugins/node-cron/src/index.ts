export { nodeCronSchedulerPlugin, type NodeCronSchedulerOptions } from './node-cron-scheduler-plugin.ts'
export { NodeCronScheduler } from './node-cron-scheduler.ts'
