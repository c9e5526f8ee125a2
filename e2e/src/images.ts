import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'

/** The image variables of e2e/images/images.env, the one place where image names are set. */
export type ImageVariable =
  | 'TWINFLOW_REDIS_IMAGE'
  | 'TWINFLOW_CLICKHOUSE_IMAGE'
  | 'TWINFLOW_KAFKA_IMAGE'
  | 'TWINFLOW_KAFKA4_IMAGE'
  | 'TWINFLOW_POSTGRES_IMAGE'
  | 'TWINFLOW_MARIADB_IMAGE'
  | 'TWINFLOW_SMTP_IMAGE'

export const IMAGES_ENV = resolve(import.meta.dirname, '../images/images.env')

/** The `build-images.sh` target that builds the default (offline) image of each variable. */
const BUILD_TARGET: Record<ImageVariable, string> = {
  TWINFLOW_REDIS_IMAGE: 'redis',
  TWINFLOW_CLICKHOUSE_IMAGE: 'clickhouse',
  TWINFLOW_KAFKA_IMAGE: 'kafka',
  TWINFLOW_KAFKA4_IMAGE: 'kafka4',
  TWINFLOW_SMTP_IMAGE: 'smtp',
  TWINFLOW_POSTGRES_IMAGE: 'postgres',
  TWINFLOW_MARIADB_IMAGE: 'mariadb',
}

let defaults: Map<string, string> | null = null

/** Reads the `KEY="${KEY:-default}"` lines of images.env. */
function imagesEnvDefaults(): Map<string, string> {
  if (defaults) return defaults
  defaults = new Map()
  for (const line of readFileSync(IMAGES_ENV, 'utf8').split('\n')) {
    const m = /^\s*([A-Z0-9_]+)="\$\{\1:-([^}]*)\}"\s*$/.exec(line)
    if (m) defaults.set(m[1]!, m[2]!)
  }
  return defaults
}

/** The image of a service: its override (the env var of the same name) if set, else its default in images.env. */
export function imageOf(variable: ImageVariable, overrides: Partial<Record<ImageVariable, string>>): string {
  const override = overrides[variable]
  if (override) return override
  const image = imagesEnvDefaults().get(variable)
  if (!image) throw new Error(`${IMAGES_ENV} does not set ${variable}`)
  return image
}

/** What makes a missing image available: the offline builder for twinflow/* images, a pull otherwise. */
export function howToGetImage(variable: ImageVariable, image: string): string {
  return image.startsWith('twinflow/') ? `bash e2e/images/build-images.sh ${BUILD_TARGET[variable]}` : `docker pull ${image}`
}
