import type { z } from 'zod'
import { TwinflowError } from '../errors/twinflow-error.ts'
import { describeIssue } from './describe-issue.ts'

/**
 * Validates options against their schema and fills in its defaults. A failure is a `config` error
 * that lists every problem as `  - <where>.<path>: <what to fix>`, e.g.
 * `  - batch.runner.keepVersions: must be an integer >= 1, got 0`. `where` is the options' place
 * in the config (`batch`, `serving`...), none for a plugin's (its caller names the plugin);
 * `origin` names the input in the error's first line (default: `<where> options`).
 * Schemas should be strict objects, so that a misspelt option fails instead of being ignored.
 */
export function parseOptions<S extends z.ZodType>(schema: S, raw: unknown, where = '', origin = where ? `${where} options` : 'options'): z.output<S> {
  const result = schema.safeParse(raw, { error: describeIssue })
  if (result.success) return result.data
  const problems = result.error.issues.map((issue) => `  - ${[where, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${issue.message}`)
  throw new TwinflowError('config', `invalid ${origin}:\n${problems.join('\n')}`, { cause: result.error })
}
