import { z } from 'zod'

/** Options of the `node-cron` scheduler plugin: none (schedules run in UTC, the zone of view windows). */
export const nodeCronSchedulerOptionsSchema = z.strictObject(
  {},
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown option ${issue.keys.map((k) => `"${k}"`).join(', ')}: the node-cron scheduler takes no options (it always runs in UTC)`
        : undefined,
  },
)

export type NodeCronSchedulerOptions = z.output<typeof nodeCronSchedulerOptionsSchema>
