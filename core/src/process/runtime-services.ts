/**
 * Names of the services that connect the runtimes (bound by the process's assembly, one per
 * runtime of the config, named after it): what a layer's services list in `needs`.
 * - `eventLog`: connected, with a topic per stream; `clickhouse`: the ClickHouse driver, connected;
 * - `batchEngine`: the batch engine, started (the batch layer binds it, over `clickhouse`);
 * - `realtimeStore`: started; `deadLetterQueue`: connected; `scheduler`: ready to schedule;
 * - `channels`: every configured sink (notification channel), connected.
 */
export const RUNTIME_SERVICES = {
  eventLog: 'eventLog',
  clickhouse: 'clickhouse',
  batchEngine: 'batchEngine',
  realtimeStore: 'realtimeStore',
  deadLetterQueue: 'deadLetterQueue',
  scheduler: 'scheduler',
  channels: 'channels',
} as const
