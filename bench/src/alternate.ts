export interface AlternateOptions {
  /** Prints each sample. */
  log?: (message: string) => void
  /**
   * Rounds of every side run first and not counted (their index is negative: -1, -2, ...). The first
   * run of a side in a process pays for compiling the code the sides share (kafkajs, the clients):
   * without a warm-up that cost lands on whichever side happens to run first.
   */
  warmUps?: number
}

/**
 * Runs each side (the framework, its baseline, and any reference) `repeats` times, alternating:
 * forward order on even repetitions, reversed on odd ones (F B, B F, F B, ... for two sides), so
 * that a drift of the machine (caches warming, background load) favours no side. Returns each
 * side's samples in repetition order (warm-up rounds left out).
 */
export async function alternate<K extends string, T>(repeats: number, sides: Record<K, (i: number) => Promise<T>>, options: AlternateOptions = {}): Promise<Record<K, T[]>> {
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`repeats must be a positive integer, got ${repeats}`)
  const { log = () => {}, warmUps = 0 } = options
  const names = Object.keys(sides) as K[]
  for (let w = 1; w <= warmUps; w++) {
    for (const side of names) {
      const sample = await sides[side](-w)
      log(`  ${side} warm-up ${w}: ${JSON.stringify(sample)}`)
    }
  }
  const samples = Object.fromEntries(names.map((n) => [n, [] as T[]])) as Record<K, T[]>
  for (let i = 0; i < repeats; i++) {
    const order = i % 2 === 0 ? names : [...names].reverse()
    for (const side of order) {
      const sample = await sides[side](i)
      samples[side].push(sample)
      log(`  ${side} #${i + 1}: ${JSON.stringify(sample)}`)
    }
  }
  return samples
}
