import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import type { GraphQLClient } from '../api/graphql-client.ts'
import type { ViewMeta } from '../api/pipeline-meta.ts'
import { chartData } from '../chart/chart-data.ts'
import { chartCsv } from '../chart/export-csv.ts'
import { chartPng, download } from '../chart/export-png.ts'
import { type ChartElement, TimeChart } from '../chart/time-chart.tsx'
import { formatNumber, formatTime } from '../format.ts'
import { MARKS, markFirstChart, markOnce } from './first-chart-mark.ts'
import { FreshnessBar } from './freshness-bar.tsx'
import { KeyFilters } from './key-filters.tsx'
import { RangePicker } from './range-picker.tsx'
import { type SplitAnswer, seriesLabel, subscribeSplit } from './split-answer.ts'
import { GRANULARITY_LABELS } from './time-units.ts'
import { loadTop, type TopRow } from './top-answer.ts'
import { TopTable } from './top-table.tsx'
import { DEFAULT_RANGE, parseViewState, resolveView, type ViewState, viewStateSearch } from './view-state.ts'

export interface ViewPageProps {
  client: GraphQLClient
  view: ViewMeta
  search: string
  /** Replaces the page's query string (the view's state), adding a history entry. */
  setSearch: (search: string) => void
}

const TOP_CHOICES = [3, 5, 10, 20]

/**
 * A view: a chart of one measure split by a key (the top groups and `other`), live through a
 * subscription, with the batch/speed boundary drawn; the freshness of the answer; the top groups
 * with every measure; filters, range, granularity and exports. Everything chosen is in the URL.
 */
export function ViewPage({ client, view, search, setSearch }: ViewPageProps) {
  const state = useMemo(() => parseViewState(search), [search])
  const [now, setNow] = useState(() => Date.now())
  const resolved = useMemo(() => resolveView(view, state, now), [view, state, now])
  const [answer, setAnswer] = useState<SplitAnswer | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [connected, setConnected] = useState(false)
  const [top, setTop] = useState<TopRow[] | null>(null)
  const [topError, setTopError] = useState<string | null>(null)
  const [pushes, setPushes] = useState(0)
  const chartBox = useRef<HTMLDivElement>(null)
  const update = (patch: Partial<ViewState>) => setSearch(viewStateSearch({ ...state, ...patch }))
  const measureKind = view.measures.find((m) => m.name === resolved.measure)?.kind
  const subscriptionKey = JSON.stringify([view.name, resolved])

  // A preset range follows the clock: it moves on when its last bucket ends.
  useEffect(() => {
    if (!resolved.live) return
    const timer = setTimeout(() => setNow(Date.now()), Math.max(1000, resolved.to - Date.now() + 50))
    return () => clearTimeout(timer)
  }, [resolved.live, resolved.to])

  useEffect(() => {
    setError(null)
    setConnected(false)
    const unsubscribe = subscribeSplit(
      client,
      view,
      resolved,
      (next) => {
        markOnce(MARKS.firstAnswer)
        setAnswer(next)
        setConnected(true)
        setError(null)
        setPushes((n) => n + 1)
      },
      (e) => {
        setError(e.message)
        setConnected(false)
      },
    )
    return unsubscribe
  }, [subscriptionKey])

  // The table follows the chart: read again when the arguments change or the server pushed (at most once a second).
  useEffect(() => {
    if (pushes === 0) return
    const abort = new AbortController()
    const timer = setTimeout(() => {
      loadTop(client, view, resolved, abort.signal).then(
        (rows) => {
          setTop(rows)
          setTopError(null)
        },
        (e: Error) => {
          if (!abort.signal.aborted) setTopError(e.message)
        },
      )
    }, 250)
    return () => {
      clearTimeout(timer)
      abort.abort()
    }
  }, [subscriptionKey, pushes])

  const labels = useMemo(() => answer?.series.map((s) => seriesLabel(s, answer, resolved.measure, resolved.splitBy)) ?? [], [answer, resolved.measure, resolved.splitBy])
  const data = useMemo(
    () => (answer ? chartData(answer, resolved.from, resolved.to, measureKind === 'COUNT' || measureKind === 'SUM') : null),
    [answer, resolved.from, resolved.to, measureKind],
  )
  const known = useMemo(() => {
    const values: Record<string, Set<string>> = {}
    for (const k of view.keys) values[k.name] = new Set()
    for (const s of answer?.series ?? []) for (const k of view.keys) if (s.keys?.[k.name] !== null && s.keys?.[k.name] !== undefined) values[k.name]!.add(String(s.keys[k.name]))
    for (const row of top ?? []) for (const k of view.keys) values[k.name]!.add(String(row[k.name]))
    return Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [...v].sort()]))
  }, [answer, top, view])

  const fileName = `${view.name}-${resolved.measure}-${new Date(resolved.from).toISOString().slice(0, 16)}`.replaceAll(':', '')
  const exportCsv = () => data && download(new Blob([chartCsv(data, labels)], { type: 'text/csv' }), `${fileName}.csv`)
  const exportPng = async () => {
    const u = (chartBox.current?.querySelector('.chart') as ChartElement | null)?.uplot
    if (u) download(await chartPng(u, `${view.name} · ${resolved.measure}`, subtitle), `${fileName}.png`)
  }
  const subtitle = `${formatTime(resolved.from)} – ${formatTime(resolved.to)} UTC · ${GRANULARITY_LABELS[resolved.granularity] ?? resolved.granularity} buckets${
    resolved.splitBy.length ? ` · by ${resolved.splitBy.join(', ')}` : ''
  }`
  const splitValue = state.split ?? view.keys[0]?.name ?? ''
  const filtered = Object.keys(state.filters).length > 0

  return (
    <section class="page view-page">
      <header class="page-header">
        <div>
          <h1>{view.name}</h1>
          <p class="muted">
            stream <b>{view.stream}</b> · window {GRANULARITY_LABELS[view.window] ?? view.window} · keys {view.keys.map((k) => k.name).join(', ') || 'none'}
          </p>
        </div>
        <div class="actions">
          <button type="button" onClick={exportCsv} disabled={!data}>
            Export CSV
          </button>
          <button type="button" onClick={exportPng} disabled={!data}>
            Export PNG
          </button>
        </div>
      </header>

      <div class="toolbar card">
        <label class="control">
          <span class="control-label">Measure</span>
          <select name="measure" value={resolved.measure} onChange={(e) => update({ measure: e.currentTarget.value })}>
            {view.measures.map((m) => (
              <option key={m.name} value={m.name}>
                {m.name} ({m.kind.toLowerCase()})
              </option>
            ))}
          </select>
        </label>
        <label class="control">
          <span class="control-label">Split by</span>
          <select name="split" value={splitValue} onChange={(e) => update({ split: e.currentTarget.value })}>
            {view.keys.map((k) => (
              <option key={k.name} value={k.name}>
                {k.name}
              </option>
            ))}
            {view.keys.length > 1 && <option value="*">every key</option>}
            <option value="">nothing (total)</option>
          </select>
        </label>
        <label class="control">
          <span class="control-label">Top</span>
          <select name="top" value={String(resolved.top)} disabled={resolved.splitBy.length === 0} onChange={(e) => update({ top: Number(e.currentTarget.value) })}>
            {TOP_CHOICES.map((n) => (
              <option key={n} value={n}>
                {n} + other
              </option>
            ))}
          </select>
        </label>
        <label class="control">
          <span class="control-label">Granularity</span>
          <select name="granularity" value={resolved.granularity} onChange={(e) => update({ granularity: e.currentTarget.value })}>
            {view.granularities.map((g) => (
              <option key={g} value={g}>
                {GRANULARITY_LABELS[g] ?? g}
              </option>
            ))}
          </select>
        </label>
        <div class="control grow">
          <span class="control-label">Range</span>
          <RangePicker
            preset={resolved.live ? (state.range ?? DEFAULT_RANGE) : null}
            from={resolved.from}
            to={resolved.to}
            onPreset={(id) => update({ range: id, from: null, to: null })}
            onCustom={(from, to) => update({ range: null, from, to })}
          />
        </div>
      </div>

      <div class="card filters-card">
        <KeyFilters view={view} filters={state.filters} known={known} onChange={(filters) => update({ filters })} />
      </div>

      <div class="card chart-card" ref={chartBox}>
        <div class="chart-title">
          <h2>
            {resolved.measure}
            {resolved.splitBy.length > 0 ? ` by ${resolved.splitBy.join(', ')}` : ''}
            {filtered ? ' (filtered)' : ''}
          </h2>
          <span class="muted">{subtitle}</span>
        </div>
        <FreshnessBar freshness={answer?.freshness ?? null} live={connected} />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {answer && data ? (
          <>
            <TimeChart
              data={data}
              labels={labels}
              others={answer.series.map((s) => s.other)}
              boundary={{ cutoff: answer.cutoff ? Date.parse(answer.cutoff) : null, version: answer.version }}
              range={[resolved.from, resolved.to]}
              onDraw={markFirstChart}
            />
            {answer.series.length === 0 && <p class="muted empty">No rows in this range{filtered ? ' for these filters' : ''}.</p>}
            <p class="legend-note muted">
              Shaded: windows from the speed layer (at or after the cutoff); before the dashed line: batch version {answer.version === null ? '(none yet)' : `v${answer.version}`}.{' '}
              {answer.groupCount > 0 && `${formatNumber(answer.groupCount)} ${answer.groupCount === 1 ? 'group' : 'groups'} in range.`}
            </p>
          </>
        ) : (
          !error && <div class="chart-placeholder muted">Loading…</div>
        )}
      </div>

      <div class="card">
        <h2>
          Top {view.keys.length > 0 ? 'groups' : 'total'} by {resolved.measure}
        </h2>
        {topError ? (
          <p class="error" role="alert">
            The table could not be read: {topError}
          </p>
        ) : (
          <TopTable view={view} rows={top} measure={resolved.measure} onFilter={(key, value) => update({ filters: { ...state.filters, [key]: [value] } })} />
        )}
      </div>
    </section>
  )
}
