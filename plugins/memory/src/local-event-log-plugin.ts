import { join } from 'node:path'
import { definePlugin } from '@twinflow/core'
import { LocalEventLog } from './local-event-log.ts'
import { parseLocalEventLogOptions } from './local-event-log-options.ts'

/**
 * The embedded event log on disk: `{ plugin: 'local', options: { dir, segmentBytes, retentionMs,
 * fsync, defaultPartitions, autoCreateTopics, retry } }`. Without a dir, its files are in the
 * process's data directory (`<dataDir>/log`), which the process then holds.
 */
export const localEventLogPlugin = definePlugin({
  kind: 'event-log',
  name: 'local',
  description: 'In-process partitioned log with consumer groups, kept in segment files on local disk (survives restarts; retention by age once consumed)',
  parseOptions: parseLocalEventLogOptions,
  usesDataDirectory: (options) => options.dir === undefined,
  create: (options, { clock, logger, dataDir }) => new LocalEventLog({ ...options, dir: options.dir ?? join(dataDir, 'log') }, { clock, logger }),
})
