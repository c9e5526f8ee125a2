/** What stands for the hidden part of a redacted value (always the same, so its length tells nothing). */
export const REDACTED = '***'

/**
 * A value redacted to its last `keep` characters (Unicode code points, so a character outside the
 * BMP is never cut in half): `REDACTED` followed by them. A value of at most `keep` characters is
 * hidden entirely (`REDACTED`), since keeping it all would keep it raw; the empty string stays
 * empty (nothing to hide).
 */
export function redactPii(value: string, keep: number): string {
  if (value === '') return ''
  const points = Array.from(value)
  if (points.length <= keep) return REDACTED
  return REDACTED + points.slice(points.length - keep).join('')
}
