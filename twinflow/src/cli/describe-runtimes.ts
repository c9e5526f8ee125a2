import type { RuntimeName, TwinflowConfig } from '../config/twinflow-config.ts'

const LABELS: Record<RuntimeName, string> = {
  eventLog: 'event log',
  clickhouse: 'ClickHouse',
  realtimeStore: 'realtime store',
  deadLetterQueue: 'dead letters',
  scheduler: 'scheduler',
}

/** One line of the runtimes a config runs on, e.g. `event log: memory (embedded default), ClickHouse: clickhouse, ...`. */
export function describeRuntimes(config: TwinflowConfig): string {
  return (Object.keys(LABELS) as RuntimeName[])
    .map((name) => `${LABELS[name]}: ${config.runtimes[name].plugin}${config.defaultedRuntimes.includes(name) ? ' (embedded default)' : ''}`)
    .join(', ')
}
