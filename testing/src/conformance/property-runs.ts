/**
 * How many cases a property runs: `runs`, or TWINFLOW_PROPERTY_RUNS times more (a number, e.g.
 * `TWINFLOW_PROPERTY_RUNS=10` for a long search before a release).
 */
export function propertyRuns(runs: number): number {
  return Math.max(1, Math.round(runs * runFactor()))
}

/** A property's time limit, grown with its runs (see propertyRuns). */
export function propertyTimeout(ms: number): number {
  return Math.round(ms * Math.max(1, runFactor()))
}

function runFactor(): number {
  const factor = Number(process.env.TWINFLOW_PROPERTY_RUNS ?? 1)
  return Number.isFinite(factor) && factor > 0 ? factor : 1
}
