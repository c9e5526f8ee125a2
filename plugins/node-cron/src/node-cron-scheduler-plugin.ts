import { definePlugin } from '@twinflow/core'
import { NodeCronScheduler } from './node-cron-scheduler.ts'

/** Options of the `node-cron` scheduler plugin: none (schedules run in UTC, the zone of view windows). */
export type NodeCronSchedulerOptions = Record<string, never>

/** The in-process cron scheduler: `{ plugin: 'node-cron' }`. */
export const nodeCronSchedulerPlugin = definePlugin<'scheduler', NodeCronSchedulerOptions>({
  kind: 'scheduler',
  name: 'node-cron',
  description: 'Cron schedules in this process (npm node-cron), in UTC; overlapping runs are skipped.',
  parseOptions: (raw) => {
    if (raw === undefined || raw === null) return {}
    if (typeof raw !== 'object' || Array.isArray(raw)) throw new Error(`options must be an object (there are none to set), got ${Array.isArray(raw) ? 'an array' : typeof raw}`)
    const keys = Object.keys(raw)
    if (keys.length > 0) throw new Error(`unknown option "${keys[0]}": the node-cron scheduler takes no options (it always runs in UTC)`)
    return {}
  },
  create: (_options, { logger }) => new NodeCronScheduler(logger),
})
