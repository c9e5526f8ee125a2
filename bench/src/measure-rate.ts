export interface Rate {
  /** Items per second between the first observation of progress and the last item. */
  perSecond: number
  items: number
  ms: number
  /** CPU time of this process over the measured interval, in % of one core (where the time goes). */
  cpuPercent: number
}

/**
 * Polls a progress counter every `pollMs` until it reaches `total`. The clock starts at the first
 * poll that sees progress (so connecting and joining a group are not counted) and stops at the
 * first poll that sees the total; the items counted are those handled in between. The framework
 * and its baseline are measured by the same function, so the polling error is the same for both.
 */
export async function measureRate(progress: () => number, total: number, options: { timeoutMs: number; pollMs?: number; failed?: () => unknown }): Promise<Rate> {
  const pollMs = options.pollMs ?? 5
  const deadline = Date.now() + options.timeoutMs
  let start: { at: number; count: number; cpu: NodeJS.CpuUsage } | null = null
  for (;;) {
    const count = progress()
    const now = performance.now()
    if (start === null && count > 0) start = { at: now, count, cpu: process.cpuUsage() }
    if (count >= total) {
      if (start === null || now === start.at) throw new Error('progress went from 0 to the total in one poll: measure more items')
      const items = count - start.count
      const ms = now - start.at
      const cpu = process.cpuUsage(start.cpu)
      return { perSecond: (items / ms) * 1000, items, ms: Math.round(ms), cpuPercent: Math.round(((cpu.user + cpu.system) / 1000 / ms) * 100) }
    }
    const failure = options.failed?.()
    if (failure) throw failure
    if (Date.now() > deadline) throw new Error(`progress stopped at ${count} of ${total} after ${options.timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, pollMs))
  }
}
