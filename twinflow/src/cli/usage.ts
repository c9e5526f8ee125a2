export const USAGE = `Usage: twinflow <command> [options]

Commands:
  dev                     Run the online-store example with every layer in this process, on
                          embedded runtimes (in-memory log and store, ClickHouse via chdb).
                          --port <n>       GraphQL port (default 4000; 0 picks a free one)
                          --rate <n>       live events per second per stream (default 50)
                          --backfill <n>   past events per stream generated at start (default 20000)
  start                   Run roles against the runtimes of a config file.
                          --config <file>  JSON config (or TWINFLOW_CONFIG)
                          --role <roles>   comma-separated: ingest, archiver, speed, batch, serve, all
  batch run <view|all>    Run one batch recompute now and print the run.
                          --config <file>
  check                   Validate a config file and its pipeline; list views and plugins.
                          --config <file>
  api-key <name>          Make a random API key and print it with its config entry (the config
                          keeps only its SHA-256).
                          --views <a,b>    views the key may read (default: all)
  help                    Show this help.

Every long-running process serves /healthz, /readyz and Prometheus /metrics on serving.port
(or ops.port); the serve role adds GraphQL at serving.path (default /graphql).

Environment: TWINFLOW_CONFIG, TWINFLOW_PORT, TWINFLOW_LOG_LEVEL, TWINFLOW_DATA_DIR.`
