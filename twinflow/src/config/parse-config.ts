import { TwinflowError } from '@twinflow/core'
import { twinflowConfigSchema, type TwinflowConfig } from './twinflow-config'

/** Validates a config object; the error lists every problem as `path: what is wrong`. */
export function parseConfig(raw: unknown, origin = 'config'): TwinflowConfig {
  const result = twinflowConfigSchema.safeParse(raw)
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `  - ${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
  throw new TwinflowError('config', `invalid ${origin}:\n${problems.join('\n')}`)
}
