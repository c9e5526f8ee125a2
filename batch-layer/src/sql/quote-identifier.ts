import { TwinflowError } from '@twinflow/core'

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/

/**
 * A user-declared name (stream field, derived field) as a ClickHouse identifier. Names are checked
 * identifiers already; backquotes keep words such as `from`, `not` or `in` from being read as
 * keywords, on every ClickHouse version.
 */
export function quoteIdentifier(name: string): string {
  if (!IDENT.test(name)) throw new TwinflowError('internal', `"${name}" is not an identifier`)
  return `\`${name}\``
}
