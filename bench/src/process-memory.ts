import { readFileSync } from 'node:fs'

/** Resident set size of a process, in bytes, from /proc/<pid>/status (Linux). */
export function rssOf(pid: number): number {
  const kB = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]
  if (kB === undefined) throw new Error(`no VmRSS in /proc/${pid}/status`)
  return Number(kB) * 1024
}

/** V8's used heap of a Twinflow process, in bytes, from its Prometheus metrics (prom-client's `nodejs_heap_size_used_bytes`). */
export async function heapUsedOf(metricsUrl: string): Promise<number> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(10_000) })
  if (!response.ok) throw new Error(`${metricsUrl} answered HTTP ${response.status}`)
  const value = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)/m.exec(await response.text())?.[1]
  if (value === undefined) throw new Error(`${metricsUrl} has no nodejs_heap_size_used_bytes`)
  return Number(value)
}
