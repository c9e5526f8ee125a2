import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The NODE_OPTIONS that let `takeHeapSnapshot` ask a process for a heap snapshot: SIGUSR2 writes
 * one into `dir` (V8 runs a full garbage collection first, so the process's heap in use just after
 * it is what is live).
 */
export function heapSnapshotNodeOptions(dir: string): string {
  mkdirSync(dir, { recursive: true })
  return `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${dir}`
}

/**
 * Asks process `pid` (started with `heapSnapshotNodeOptions(dir)`) for a heap snapshot, waits until
 * it is written (`whenResponsive` resolves once the process answers again: it writes the snapshot
 * on its main thread; it is retried for up to a minute while it fails, e.g. on a connection the
 * blocked process let go), and renames it `<name>.heapsnapshot`. Resolves with the file's path.
 */
export async function takeHeapSnapshot(pid: number, dir: string, name: string, whenResponsive: () => Promise<unknown>): Promise<string> {
  const before = new Set(readdirSync(dir))
  process.kill(pid, 'SIGUSR2')
  const deadline = Date.now() + 120_000
  let file: string | undefined
  while (!file) {
    if (Date.now() > deadline) throw new Error(`process ${pid} wrote no heap snapshot into ${dir} within 120 s`)
    await new Promise((r) => setTimeout(r, 100))
    file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f))
  }
  for (;;) {
    try {
      await whenResponsive()
      break
    } catch (error) {
      if (Date.now() > deadline) throw error
      await new Promise((r) => setTimeout(r, 1000))
    }
  }
  // The size stops changing once the writer is done (it is, when the process answers; this guards a slow flush).
  let size = -1
  while (statSync(join(dir, file)).size !== size) {
    size = statSync(join(dir, file)).size
    await new Promise((r) => setTimeout(r, 500))
  }
  const target = join(dir, `${name}.heapsnapshot`)
  renameSync(join(dir, file), target)
  return target
}

/** Self size and count of a snapshot's objects, by constructor name (other node types as `(type)`). */
export function heapByConstructor(path: string): Map<string, { bytes: number; count: number }> {
  const snapshot = JSON.parse(readFileSync(path, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } }
    nodes: number[]
    strings: string[]
  }
  const fields = snapshot.snapshot.meta.node_fields
  const types = snapshot.snapshot.meta.node_types[0]
  const width = fields.length
  const typeAt = fields.indexOf('type')
  const nameAt = fields.indexOf('name')
  const sizeAt = fields.indexOf('self_size')
  const totals = new Map<string, { bytes: number; count: number }>()
  const { nodes, strings } = snapshot
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]!]!
    const key = type === 'object' || type === 'closure' ? `${strings[nodes[i + nameAt]!]}${type === 'closure' ? '()' : ''}` : `(${type})`
    const entry = totals.get(key) ?? { bytes: 0, count: 0 }
    entry.bytes += nodes[i + sizeAt]!
    entry.count += 1
    totals.set(key, entry)
  }
  return totals
}

/** The `top` constructors whose self size grew most from snapshot `from` to `to`, as readable lines. */
export function heapGrowth(from: string, to: string, top = 8): string[] {
  if (!existsSync(from) || !existsSync(to)) return []
  const a = heapByConstructor(from)
  const b = heapByConstructor(to)
  const rows = [...b].map(([name, { bytes, count }]) => ({ name, bytes: bytes - (a.get(name)?.bytes ?? 0), count: count - (a.get(name)?.count ?? 0) }))
  rows.sort((x, y) => y.bytes - x.bytes)
  return rows.slice(0, top).map((r) => `${r.name} ${r.bytes >= 0 ? '+' : ''}${(r.bytes / 1024).toFixed(0)} KiB (${r.count >= 0 ? '+' : ''}${r.count} objects)`)
}
