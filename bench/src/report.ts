import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Machine } from './machine.ts'
import type { Check, ScenarioResult, SeriesTable } from './scenario.ts'
import { summarize, type Summary } from './stats.ts'

export interface CheckReport extends Omit<Check, 'figures'> {
  summary: Summary
  met: boolean | null
  figures?: Check['figures'] & { frameworkSummary: Summary; baselineSummary: Summary }
}

export interface BenchReport {
  startedAt: string
  finishedAt: string
  mode: 'quick' | 'full'
  repeats: number
  machine: Machine
  images: string[]
  scenarios: { scenario: string; setup: string[]; checks: CheckReport[]; tables?: SeriesTable[] }[]
  /** Scenarios that threw: the others still ran and are reported. */
  failed: { scenario: string; error: string }[]
}

export function checkReport(check: Check): CheckReport {
  const summary = summarize(check.samples)
  const met = check.target === null ? null : check.target.op === '>=' ? summary.median >= check.target.value : summary.median <= check.target.value
  const { figures, ...rest } = check
  return {
    ...rest,
    summary,
    met,
    ...(figures ? { figures: { ...figures, frameworkSummary: summarize(figures.framework), baselineSummary: summarize(figures.baseline) } } : {}),
  }
}

export function buildReport(input: Omit<BenchReport, 'scenarios'> & { results: ScenarioResult[] }): BenchReport {
  const { results, ...rest } = input
  return {
    ...rest,
    scenarios: results.map((r) => ({ scenario: r.scenario, setup: r.setup, checks: r.checks.map(checkReport), ...(r.tables ? { tables: r.tables } : {}) })),
  }
}

const fmt = (n: number): string => (Math.abs(n) >= 1000 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(3))

/** The report as a Markdown table, with the machine it ran on and each scenario's setup. */
export function renderMarkdown(report: BenchReport): string {
  const m = report.machine
  const lines = [
    `Run ${report.startedAt} → ${report.finishedAt} (${report.mode}, ${report.repeats} repetitions of each side, alternating)`,
    `Machine: ${m.cpu}, ${m.cores} cores, ${m.memoryGiB} GiB, Linux ${m.kernel}, Node ${m.node}, Docker ${m.docker}, load ${m.loadAtStart} at start`,
    `Images: ${report.images.join(', ') || 'none (embedded runtimes only)'}`,
    '',
    '| scenario | check | median | min | max | target | met | framework (median) | baseline (median) |',
    '|---|---|---|---|---|---|---|---|---|',
  ]
  for (const s of report.scenarios) {
    for (const c of s.checks) {
      const target = c.target ? `${c.target.op} ${c.target.value}` : '—'
      const met = c.met === null ? '—' : c.met ? 'yes' : '**no**'
      const f = c.figures
      lines.push(
        `| ${s.scenario} | ${c.name} | ${fmt(c.summary.median)} ${c.unit} | ${fmt(c.summary.min)} | ${fmt(c.summary.max)} | ${target} | ${met} | ${f ? `${fmt(f.frameworkSummary.median)} ${f.unit}` : ''} | ${f ? `${fmt(f.baselineSummary.median)} ${f.unit}` : ''} |`,
      )
    }
  }
  lines.push('')
  for (const s of report.scenarios) lines.push(`- **${s.scenario}**: ${s.setup.join(' ')}`)
  for (const f of report.failed) lines.push(`- **${f.scenario}: FAILED**: ${f.error}`)
  for (const s of report.scenarios) {
    for (const t of s.tables ?? []) {
      lines.push('', `**${s.scenario}: ${t.title}**`, '', `| ${t.columns.join(' | ')} |`, `|${t.columns.map(() => '---').join('|')}|`)
      for (const row of t.rows) lines.push(`| ${row.join(' | ')} |`)
    }
  }
  return `${lines.join('\n')}\n`
}

export function writeReport(report: BenchReport, jsonPath: string, markdownPath: string): void {
  mkdirSync(dirname(jsonPath), { recursive: true })
  writeFileSync(jsonPath, `${JSON.stringify(report, null, 2)}\n`)
  writeFileSync(markdownPath, renderMarkdown(report))
}
