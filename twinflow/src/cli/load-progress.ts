import type { LoadProgress, LoadSummary } from '../load/load-history.ts'

export interface ProgressOutput {
  progress(p: LoadProgress): void
  summary(s: LoadSummary, next: string): void
}

/**
 * How `twinflow load` reports: on a terminal, a progress bar redrawn in place (file, %, rows,
 * rows/s, ETA) and a summary in words; otherwise one JSON object per line (`{"event":"progress",
 * ...}` each second and per file, then `{"event":"summary", ...}`), for scripts and logs.
 */
export function progressOutput(out: NodeJS.WriteStream = process.stdout): ProgressOutput {
  return out.isTTY ? terminalOutput(out) : jsonLinesOutput(out)
}

function jsonLinesOutput(out: NodeJS.WritableStream): ProgressOutput {
  return {
    progress: (p) => out.write(`${JSON.stringify({ event: 'progress', ...p })}\n`),
    summary: (s, next) => out.write(`${JSON.stringify({ event: 'summary', ...s, next })}\n`),
  }
}

function terminalOutput(out: NodeJS.WriteStream): ProgressOutput {
  const width = 30
  return {
    progress(p) {
      const fraction = p.bytes > 0 && p.bytesRead >= 0 ? Math.min(1, p.bytesRead / p.bytes) : p.done ? 1 : null
      const bar = fraction === null ? ''.padEnd(width, '?') : '='.repeat(Math.round(fraction * width)).padEnd(width, ' ')
      const pct = fraction === null ? '  ?%' : `${Math.floor(fraction * 100)}%`.padStart(4)
      const eta = p.etaSeconds === null ? '?' : clock(p.etaSeconds)
      const line = `${shortName(p.file)} [${bar}] ${pct} ${p.rows.toLocaleString('en')} rows ${p.rowsPerSecond.toLocaleString('en')} rows/s ETA ${eta}`
      out.write(`\r${line.slice(0, Math.max(20, (out.columns ?? 120) - 1)).padEnd(Math.min(out.columns ?? 120, 120) - 1)}${p.done ? '\n' : ''}`)
    },
    summary(s, next) {
      const lines = [`Stream "${s.stream}": ${s.inserted.toLocaleString('en')} rows inserted, ${s.rejected.toLocaleString('en')} rejected, in ${(s.ms / 1000).toFixed(1)} s`]
      for (const f of s.files) {
        const what =
          f.status === 'skipped'
            ? `skipped: loaded before (${f.rows.toLocaleString('en')} rows)`
            : f.status === 'failed'
              ? `FAILED: ${f.error}`
              : `loaded: ${f.rows.toLocaleString('en')} rows (${f.inserted.toLocaleString('en')} inserted now), ${f.rejected.toLocaleString('en')} rejected`
        lines.push(`  ${f.path} (partition ${f.partition ?? '-'}): ${what}`)
      }
      const reasons = Object.entries(s.rejectedBy).sort((a, b) => b[1] - a[1])
      if (reasons.length > 0) lines.push('Rejected rows by reason (kept in the master table with their reason, and dead-lettered):')
      for (const [reason, n] of reasons) lines.push(`  ${n.toLocaleString('en')}  ${reason}`)
      lines.push(`Next: ${next}`)
      out.write(`${lines.join('\n')}\n`)
    },
  }
}

function clock(seconds: number): string {
  const h = Math.floor(seconds / 3600)
  const m = Math.floor((seconds % 3600) / 60)
  const s = Math.floor(seconds % 60)
  return `${h > 0 ? `${h}:` : ''}${String(m).padStart(h > 0 ? 2 : 1, '0')}:${String(s).padStart(2, '0')}`
}

function shortName(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path
  return name.length > 28 ? `…${name.slice(-27)}` : name
}
