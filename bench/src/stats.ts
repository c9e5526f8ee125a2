/** Summary statistics of a benchmark's samples. */
export interface Summary {
  median: number
  min: number
  max: number
}

export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('no samples to summarize')
  const sorted = [...samples].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]! }
}

/** The q-quantile (0..1) of samples, nearest rank. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) throw new Error('no samples')
  const sorted = [...samples].sort((a, b) => a - b)
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))
  return sorted[rank]!
}

/** Milliseconds to a tenth, as the benchmark reports latencies. */
export const roundToTenth = (ms: number): number => Math.round(ms * 10) / 10

/** framework[i] ÷ baseline[i] for each repetition. */
export function ratios(framework: readonly number[], baseline: readonly number[]): number[] {
  if (framework.length !== baseline.length) throw new Error('framework and baseline need as many samples')
  return framework.map((f, i) => f / baseline[i]!)
}
