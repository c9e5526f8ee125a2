/** The packages Twinflow publishes: what a new project depends on, directly or through `twinflow`. */
export const TWINFLOW_PACKAGES = [
  '@twinflow/core',
  '@twinflow/batch-layer',
  '@twinflow/speed-layer',
  '@twinflow/serving-layer',
  '@twinflow/dashboard',
  '@twinflow/plugin-memory',
  '@twinflow/plugin-chdb',
  '@twinflow/plugin-clickhouse',
  '@twinflow/plugin-generator',
  '@twinflow/plugin-kafka',
  '@twinflow/plugin-node-cron',
  '@twinflow/plugin-redis',
  '@twinflow/plugin-file',
  '@twinflow/plugin-http-poll',
  '@twinflow/testing',
  'twinflow',
] as const

/** The file name `npm pack` gives a package's tarball: `@twinflow/core` 0.1.0 → `twinflow-core-0.1.0.tgz`. */
export function tarballName(name: string, version: string): string {
  return `${name.replace(/^@/, '').replace('/', '-')}-${version}.tgz`
}
