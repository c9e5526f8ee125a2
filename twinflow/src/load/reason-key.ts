/**
 * What a summary groups rejected rows by: a reason's stable word and, when it names one, the field
 * (`mapping: field "amount"`, `schema: field "status"`, `future`, `csv`), not the values.
 */
export function reasonKey(reason: string): string {
  const m = /^([\w-]+):(?: field "([^"]+)")?/.exec(reason)
  if (!m) return 'rejected'
  return m[2] === undefined ? m[1]! : `${m[1]}: field "${m[2]}"`
}
