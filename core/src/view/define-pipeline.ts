import { TwinflowError } from '../errors/twinflow-error.ts'
import type { ReportDef } from '../report/define-report.ts'
import type { StreamDef } from '../schema/define-stream.ts'
import type { AlertDef } from '../alerts/define-alert.ts'
import type { ViewDef } from './define-view.ts'

/** The streams, views, alert rules and reports one Twinflow deployment runs. */
export interface Pipeline {
  readonly streams: readonly StreamDef[]
  readonly views: readonly ViewDef[]
  /** The alert rules declared (a deployment turns them on in its config). */
  readonly alerts: readonly AlertDef[]
  /** Scheduled reports (`defineReport`); the `report` role sends those that have channels. */
  readonly reports: readonly ReportDef[]
  stream(name: string): StreamDef
  view(name: string): ViewDef
  viewsOf(stream: string): readonly ViewDef[]
  report(name: string): ReportDef
}

/** Checks that names are unique, that every view's stream is declared, and that every alert's and report's views are. */
export function definePipeline(input: {
  streams: readonly StreamDef[]
  // biome-ignore lint/suspicious/noExplicitAny: views of any keys and measures (ViewDef is invariant in them)
  views: readonly ViewDef<any, any>[]
  alerts?: readonly AlertDef[]
  reports?: readonly ReportDef[]
}): Pipeline {
  const streams = new Map<string, StreamDef>()
  for (const s of input.streams) {
    if (streams.has(s.name)) throw new TwinflowError('config', `stream "${s.name}" is declared twice`)
    streams.set(s.name, s)
  }
  const views = new Map<string, ViewDef>()
  for (const v of input.views as readonly ViewDef[]) {
    if (views.has(v.name)) throw new TwinflowError('config', `view "${v.name}" is declared twice`)
    if (streams.get(v.stream.name) !== v.stream) {
      throw new TwinflowError('config', `view "${v.name}" reads stream "${v.stream.name}", which is not in the pipeline's streams`)
    }
    views.set(v.name, v)
  }
  const alerts = new Map<string, AlertDef>()
  for (const a of input.alerts ?? []) {
    if (alerts.has(a.name)) throw new TwinflowError('config', `alert "${a.name}" is declared twice`)
    if (views.get(a.view.name) !== a.view) {
      throw new TwinflowError('config', `alert "${a.name}" watches view "${a.view.name}", which is not in the pipeline's views; views: ${[...views.keys()].join(', ')}`)
    }
    alerts.set(a.name, a)
  }
  const reports = new Map<string, ReportDef>()
  for (const r of input.reports ?? []) {
    if (reports.has(r.name)) throw new TwinflowError('config', `report "${r.name}" is declared twice`)
    for (const q of r.views) {
      if (views.get(q.view.name) !== q.view) throw new TwinflowError('config', `report "${r.name}" reads view "${q.view.name}", which is not in the pipeline's views`)
    }
    reports.set(r.name, r)
  }
  return {
    streams: [...streams.values()],
    views: [...views.values()],
    alerts: [...alerts.values()],
    stream(name) {
      const s = streams.get(name)
      if (!s) throw new TwinflowError('config', `unknown stream "${name}"; known: ${[...streams.keys()].join(', ')}`)
      return s
    },
    view(name) {
      const v = views.get(name)
      if (!v) throw new TwinflowError('validation', `unknown view "${name}"; known: ${[...views.keys()].join(', ')}`)
      return v
    },
    viewsOf: (stream) => [...views.values()].filter((v) => v.stream.name === stream),
    reports: [...reports.values()],
    report(name) {
      const r = reports.get(name)
      if (!r) throw new TwinflowError('validation', `unknown report "${name}"; known: ${[...reports.keys()].join(', ') || 'none'}`)
      return r
    },
  }
}
