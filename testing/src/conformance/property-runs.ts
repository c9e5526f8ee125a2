/**
 * How many cases a property runs: `runs`, or TWINFLOW_PROPERTY_RUNS times more (a number, e.g.
 * `TWINFLOW_PROPERTY_RUNS=10` for a long search before a release).
 */
export function propertyRuns(runs: number): number {
  const factor = Number(process.env.TWINFLOW_PROPERTY_RUNS ?? 1)
  return Number.isFinite(factor) && factor > 0 ? Math.max(1, Math.round(runs * factor)) : runs
}
