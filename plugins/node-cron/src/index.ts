export { nodeCronSchedulerPlugin, type NodeCronSchedulerOptions } from './node-cron-scheduler-plugin'
export { NodeCronScheduler } from './node-cron-scheduler'
