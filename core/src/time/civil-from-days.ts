/**
 * The proleptic Gregorian year and month (1–12) of a day number (days since 1970-01-01, >= 0), by
 * integer arithmetic only (H. Hinnant's algorithm): the batch layer writes the same steps in SQL
 * with intDiv, so both compute calendar fields without a date library or a date type's range.
 */
export function civilFromDays(days: number): { year: number; month: number } {
  const z = days + 719_468
  const era = Math.floor(z / 146_097)
  const doe = z - era * 146_097
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365)
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100))
  const mp = Math.floor((5 * doy + 2) / 153)
  const month = mp < 10 ? mp + 3 : mp - 9
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month }
}
