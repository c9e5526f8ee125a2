/**
 * An observer's poll of the probes visible through GraphQL: emits `{ ready, visible }` with the
 * count at start, then `{ visible: id, at }` for each probe id that became visible, every `pollMs`.
 * The query's first field answers rows with a `count`; their sum is the number of visible probes.
 */
export async function pollVisible(url: string, query: string, pollMs: number, emit: (line: object) => void): Promise<{ stop(): Promise<void> }> {
  const visibleCount = async (): Promise<number> => {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) })
    const body = (await res.json()) as { data?: Record<string, { rows: { count: number }[] }>; errors?: unknown }
    if (!body.data) throw new Error(`the probe query failed: ${JSON.stringify(body.errors)}`)
    return Object.values(body.data)[0]!.rows.reduce((n, r) => n + r.count, 0)
  }
  let running = true
  let seen = await visibleCount()
  emit({ ready: true, visible: seen })
  const polling = (async () => {
    while (running) {
      const count = await visibleCount()
      const at = Date.now()
      for (let id = seen; id < count; id++) emit({ visible: id, at })
      seen = Math.max(seen, count)
      await new Promise((r) => setTimeout(r, pollMs))
    }
  })()
  return {
    stop: async () => {
      running = false
      await polling
    },
  }
}
