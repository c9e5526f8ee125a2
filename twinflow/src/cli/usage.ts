export const USAGE = `Usage: twinflow <command> [options]

Commands:
  dev                     Run the config's pipeline with every role in this process (GraphiQL on,
                          a batch run at once). Runtimes the config leaves out are embedded: an
                          in-process log and store, ClickHouse via chdb, their data kept in the
                          data directory (one process at a time holds it).
                          --config <file>  (default: twinflow.json in the working directory)
                          --port <n>       GraphQL port (0 picks a free one)
                          --reset          empty the data directory first
  start                   Run roles against the runtimes of a config file.
                          --config <file>  (default: twinflow.json in the working directory)
                          --role <roles>   comma-separated: ingest, archiver, speed, batch, serve, report, all
                          --port <n>
  batch run <view|all>    Run one batch recompute now and print the runs.
                          --config <file>
  load <files...>         Load files of history straight into a stream's master table (not through
                          the log): CSV with a header, NDJSON, JSON arrays, Parquet. Loading the
                          same content again adds nothing; a load cut off resumes. A batch run
                          then makes it visible. Refused while another process holds the data
                          directory (e.g. twinflow dev). Exit 1 if a file could not be read.
                          --stream <name>  the stream (required)
                          --config <file>
                          --format <f>     csv, ndjson, json or parquet (default: by extension)
                          --mapping <file> a JSON field mapping: rename, constants, drop,
                                           timestamps, strict (see the README)
                          --delimiter <c>, --quote <c>, --columns <a,b>, --no-header  (CSV)
                          --block-rows <n> rows per insert (default 100000)
  report run <report>     Send a report now, to its channels, and print the run (exit 1 if a
                          channel got it only as a dead letter).
                          --at <time>      instead, the scheduled run at or before that time, if it
                                           was not sent (ISO-8601 with a zone)
                          --config <file>
  check                   Validate a config file and its pipeline as start does; list the runtimes
                          and views.
                          --config <file>
  dead-letters            List a stream's rejected inputs, newest first, with their reasons, as
                          the running server's GraphQL API answers them (pipeline.rejectedInputs).
                          --stream <name>  (required)  --stage <s>  --reason <prefix>  --limit <n>
                          --url <graphql url> (default: serving.host, port and path of the config)
                          --json           one JSON object per input
  api-key <name>          Make a random API key and print it with its config entry (the config
                          keeps only its SHA-256).
                          --views <a,b>    views the key may read (default: all, or none
                                           with --ingest alone)
                          --ingest <a,b>   streams it may send events into (POST /ingest/<stream>)
  init <dir>              Make a new project in <dir>: a pipeline, a config on the embedded
                          runtimes, a test with @twinflow/testing, a README.
                          --packages <dir> depend on the tarballs that npm run pack wrote there
  help                    Show this help.

Every long-running process serves /healthz, /readyz and Prometheus /metrics on serving.port
(or ops.port); the serve role adds GraphQL at serving.path (default /graphql). With serving.auth
on and no ops.port, /metrics needs an API key or token for every view ("*").

Environment: TWINFLOW_CONFIG, TWINFLOW_PORT, TWINFLOW_LOG_LEVEL, TWINFLOW_DATA_DIR, and for commands
that ask a running server: TWINFLOW_API_KEY or TWINFLOW_TOKEN.`
