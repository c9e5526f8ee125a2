import type { ImageVariable } from './images.ts'

/** What the e2e suite takes from the environment. This is the only file that reads `process.env`. */
export interface E2eSettings {
  /** TWINFLOW_E2E=skip: the user opts out of the e2e suite (ignored when CI=true). */
  skipRequested: boolean
  /** CI=true: the suite never skips. */
  ci: boolean
  /** TWINFLOW_*_IMAGE: image names that override e2e/images/images.env. */
  imageOverrides: Partial<Record<ImageVariable, string>>
  /** TWINFLOW_E2E_LOG=1: child processes' logs are printed, not only kept for failures. */
  verbose: boolean
}

const VARIABLES: ImageVariable[] = [
  'TWINFLOW_REDIS_IMAGE',
  'TWINFLOW_CLICKHOUSE_IMAGE',
  'TWINFLOW_KAFKA_IMAGE',
  'TWINFLOW_KAFKA4_IMAGE',
  'TWINFLOW_POSTGRES_IMAGE',
  'TWINFLOW_MARIADB_IMAGE',
  'TWINFLOW_SMTP_IMAGE',
]

export function readSettings(env: NodeJS.ProcessEnv = process.env): E2eSettings {
  // Ryuk (the reaper image) cannot be pulled offline; the suite stops what it starts itself.
  env.TESTCONTAINERS_RYUK_DISABLED ??= 'true'
  return {
    skipRequested: env.TWINFLOW_E2E === 'skip',
    ci: env.CI === 'true',
    imageOverrides: Object.fromEntries(VARIABLES.filter((v) => env[v]).map((v) => [v, env[v]!])),
    verbose: env.TWINFLOW_E2E_LOG === '1',
  }
}

export const settings: E2eSettings = readSettings()
