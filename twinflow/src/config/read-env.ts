/** Settings taken from the environment. This is the only place that reads `process.env`. */
export interface TwinflowEnv {
  /** TWINFLOW_CONFIG: path of the config file. */
  configPath?: string
  /** TWINFLOW_PORT: overrides serving.port. */
  port?: number
  /** TWINFLOW_LOG_LEVEL: overrides log.level. */
  logLevel?: string
  /** TWINFLOW_DATA_DIR: overrides the config's dataDir (where embedded runtimes keep data). */
  dataDir?: string
  /** TWINFLOW_API_KEY: the API key CLI commands that ask a running server send (`dead-letters`). */
  apiKey?: string
  /** TWINFLOW_TOKEN: the bearer token (JWT) they send instead. */
  token?: string
  /** Any variable, by name: what `${NAME}` in a config file reads (secrets such as an API's token). */
  variables: (name: string) => string | undefined
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): TwinflowEnv {
  const port = env.TWINFLOW_PORT === undefined || env.TWINFLOW_PORT === '' ? undefined : Number(env.TWINFLOW_PORT)
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
    throw new Error(`TWINFLOW_PORT must be a port number (0-65535), got "${env.TWINFLOW_PORT}"`)
  }
  return {
    configPath: env.TWINFLOW_CONFIG || undefined,
    port,
    logLevel: env.TWINFLOW_LOG_LEVEL || undefined,
    dataDir: env.TWINFLOW_DATA_DIR || undefined,
    apiKey: env.TWINFLOW_API_KEY || undefined,
    token: env.TWINFLOW_TOKEN || undefined,
    variables: (name) => env[name],
  }
}
