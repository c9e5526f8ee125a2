import { useEffect, useState } from 'preact/hooks'
import type { GraphQLClient } from '../api/graphql-client.ts'
import { formatDuration, formatNumber, formatTime } from '../format.ts'
import { loadPipelineStatus, type PipelineStatus } from './pipeline-status.ts'

/** How often the page reads the pipeline's state again; the second read comes sooner (a rate needs two samples). */
const REFRESH_MS = 5_000
const FIRST_REFRESH_MS = 1_500

function StatusBadge({ status }: { status: string }) {
  return <span class={`badge ${status.toLowerCase()}`}>{status.toLowerCase()}</span>
}

/**
 * The pipeline's health: the served batch version and speed-layer freshness of each view, each
 * stream's rate, lag per partition and dead letters with the newest reasons, and the batch runs
 * with their errors. Read again every few seconds (the figures are the server's, as it sees them).
 */
export function PipelinePage({ client, viewHref }: { client: GraphQLClient; viewHref: (name: string) => string }) {
  const [status, setStatus] = useState<PipelineStatus | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [readAt, setReadAt] = useState<number | null>(null)

  useEffect(() => {
    const abort = new AbortController()
    let timer: ReturnType<typeof setTimeout> | undefined
    let reads = 0
    const read = () => {
      reads++
      loadPipelineStatus(client, abort.signal)
        .then(
          (s) => {
            setStatus(s)
            setError(null)
            setReadAt(Date.now())
          },
          (e: Error) => !abort.signal.aborted && setError(e.message),
        )
        .finally(() => {
          if (!abort.signal.aborted) timer = setTimeout(read, reads === 1 ? FIRST_REFRESH_MS : REFRESH_MS)
        })
    }
    read()
    return () => {
      abort.abort()
      clearTimeout(timer)
    }
  }, [client])

  return (
    <section class="page pipeline-page">
      <header class="page-header">
        <div>
          <h1>Pipeline</h1>
          <p class="muted">
            Read every {REFRESH_MS / 1000} s{readAt ? ` · last at ${formatTime(readAt, true)} UTC` : ''}
          </p>
        </div>
      </header>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!status ? (
        !error && <p class="muted">Loading…</p>
      ) : (
        <>
          <div class="card">
            <h2>Served versions</h2>
            <table class="data" data-testid="views-table">
              <thead>
                <tr>
                  <th>View</th>
                  <th>Stream</th>
                  <th>Batch version</th>
                  <th>Cutoff</th>
                  <th>Published</th>
                  <th>Newest event (speed)</th>
                  <th class="num">Realtime lag</th>
                  <th class="num">Pending</th>
                </tr>
              </thead>
              <tbody>
                {status.views.map((v) => (
                  <tr key={v.name}>
                    <td>
                      <a href={viewHref(v.name)}>{v.name}</a>
                    </td>
                    <td>{v.stream}</td>
                    <td>{v.batch.current ? `v${v.batch.current.version}` : 'none yet'}</td>
                    <td>{formatTime(v.batch.current?.cutoff)}</td>
                    <td>{formatTime(v.batch.current?.publishedAt)}</td>
                    <td>{formatTime(v.freshness.newestEventTime, true)}</td>
                    <td class="num">{formatDuration(v.freshness.realtimeLagMs)}</td>
                    <td class="num">{formatNumber(v.freshness.pendingEvents)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <div class="card">
            <h2>Batch runs</h2>
            <table class="data" data-testid="runs-table">
              <thead>
                <tr>
                  <th>View</th>
                  <th>Status</th>
                  <th>Started</th>
                  <th class="num">Duration</th>
                  <th class="num">Rows</th>
                  <th class="num">Version</th>
                  <th>Cutoff</th>
                  <th>Error</th>
                </tr>
              </thead>
              <tbody>
                {status.batchRuns.map((r) => (
                  <tr key={`${r.runId}-${r.attempt}`} class={r.status === 'FAILED' ? 'failed-row' : ''}>
                    <td>{r.view}</td>
                    <td>
                      <StatusBadge status={r.status} />
                      {r.attempt > 1 ? <span class="muted"> · attempt {r.attempt}</span> : null}
                    </td>
                    <td class="nowrap">{formatTime(r.startedAt, true)}</td>
                    <td class="num">{formatDuration(r.durationMs)}</td>
                    <td class="num">{formatNumber(r.rows)}</td>
                    <td class="num">v{r.version}</td>
                    <td class="nowrap">{formatTime(r.cutoff)}</td>
                    <td class="reason error-text">{r.error ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {status.batchRuns.length === 0 && <p class="muted">No batch run yet.</p>}
          </div>

          <div class="card">
            <h2>Streams</h2>
            <table class="data" data-testid="streams-table">
              <thead>
                <tr>
                  <th>Stream</th>
                  <th>Topic</th>
                  <th class="num">Rate</th>
                  <th class="num">Pending (speed)</th>
                  <th class="num">Dead letters</th>
                  <th>By stage</th>
                  <th>Views</th>
                </tr>
              </thead>
              <tbody>
                {status.streams.map((s) => (
                  <tr key={s.name}>
                    <td>{s.name}</td>
                    <td class="mono">{s.topic}</td>
                    <td class="num">{s.rate === null ? 'measuring…' : `${formatNumber(s.rate)} /s`}</td>
                    <td class="num">{formatNumber(s.pendingEvents)}</td>
                    <td class={`num${s.deadLetterCount > 0 ? ' warn' : ''}`}>{formatNumber(s.deadLetterCount)}</td>
                    <td>{s.deadLetters.map((d) => `${d.stage} ${formatNumber(d.count)}`).join(' · ') || '—'}</td>
                    <td>{s.views.join(', ')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>

          <div class="grid-2">
            <div class="card">
              <h2>Speed-layer lag per partition</h2>
              <table class="data" data-testid="partitions-table">
                <thead>
                  <tr>
                    <th>Stream</th>
                    <th class="num">Partition</th>
                    <th class="num">End offset</th>
                    <th class="num">Applied</th>
                    <th class="num">Lag</th>
                  </tr>
                </thead>
                <tbody>
                  {status.streams.flatMap((s) =>
                    s.partitions.map((p) => (
                      <tr key={`${s.name}/${p.partition}`}>
                        <td>{s.name}</td>
                        <td class="num">{p.partition}</td>
                        <td class="num">{formatNumber(p.endOffset)}</td>
                        <td class="num">{p.appliedOffset === null ? '—' : formatNumber(p.appliedOffset)}</td>
                        <td class={`num${p.pending > 0 ? ' warn' : ''}`}>{formatNumber(p.pending)}</td>
                      </tr>
                    )),
                  )}
                </tbody>
              </table>
            </div>
            <div class="card">
              <h2>Newest dead letters</h2>
              {status.streams.every((s) => s.recentDeadLetters.length === 0) ? (
                <p class="muted">None written by this server's process.</p>
              ) : (
                <table class="data" data-testid="dead-letters-table">
                  <thead>
                    <tr>
                      <th>Stream</th>
                      <th>Stage</th>
                      <th>Reason</th>
                      <th>At</th>
                    </tr>
                  </thead>
                  <tbody>
                    {status.streams.flatMap((s) =>
                      s.recentDeadLetters.map((l, i) => (
                        <tr key={`${s.name}-${i}`} title={l.payload}>
                          <td>{s.name}</td>
                          <td>{l.stage}</td>
                          <td class="reason">{l.reason}</td>
                          <td class="nowrap">{formatTime(l.at, true)}</td>
                        </tr>
                      )),
                    )}
                  </tbody>
                </table>
              )}
            </div>
          </div>
        </>
      )}
    </section>
  )
}
