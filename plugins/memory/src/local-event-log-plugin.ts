import { definePlugin } from '@twinflow/core'
import { LocalEventLog } from './local-event-log.ts'
import { parseLocalEventLogOptions, type ResolvedLocalEventLogOptions } from './local-event-log-options.ts'

/** The embedded event log on disk: `{ plugin: 'local', options: { dir, segmentBytes, retentionMs, fsync, defaultPartitions, autoCreateTopics, retry } }`. */
export const localEventLogPlugin = definePlugin<'event-log', ResolvedLocalEventLogOptions>({
  kind: 'event-log',
  name: 'local',
  description: 'In-process partitioned log with consumer groups, kept in segment files on local disk (survives restarts; retention by age once consumed)',
  parseOptions: parseLocalEventLogOptions,
  create: (options, { clock, logger }) => new LocalEventLog(options, { clock, logger }),
})
