import { Counter, Gauge, type Registry } from 'prom-client'
import { collectSafely, type AlertGroupState, type Logger, type RealtimeStore } from '@twinflow/core'
import type { AlertEvaluator } from './alert-evaluator.ts'
import type { EnabledRule } from './enabled-rules.ts'

/**
 * The alert role's metrics: `twinflow_alerts{rule, state}` (groups pending, firing and resolved, as
 * the realtime store keeps them: the same from every process of the role), whether this process is
 * the one that evaluates (`twinflow_alert_evaluator_active`), and its evaluations by rule and outcome.
 * Notifications are counted by channel in twinflow_channel_notifications_total.
 */
export function registerAlertMetrics(registry: Registry, deps: { evaluator: AlertEvaluator; store: RealtimeStore; rules: readonly EnabledRule[]; logger: Logger }): void {
  if (registry.getSingleMetric('twinflow_alerts')) return
  const registers = [registry]
  new Gauge({
    name: 'twinflow_alerts',
    help: 'Groups of each enabled alert rule by state (pending, firing, resolved within a day).',
    labelNames: ['rule', 'state'],
    registers,
    collect: collectSafely('twinflow_alerts', deps.logger, async function () {
      const counts = new Map<string, number>()
      for (const { rule } of deps.rules) for (const state of ['pending', 'firing', 'resolved']) counts.set(`${rule.name}\u0000${state}`, 0)
      for (const { value } of await deps.store.readAlertStates()) {
        const state = JSON.parse(value) as AlertGroupState
        const key = `${state.rule}\u0000${state.status}`
        if (counts.has(key)) counts.set(key, counts.get(key)! + 1)
      }
      for (const [key, count] of counts) {
        const [rule, state] = key.split('\u0000') as [string, string]
        this.set({ rule, state }, count)
      }
    }),
  })
  new Gauge({
    name: 'twinflow_alert_evaluator_active',
    help: '1 while this process holds the alerts lease: it evaluates the rules and notifies.',
    registers,
    collect() {
      this.set(deps.evaluator.stats().leader ? 1 : 0)
    },
  })
  const seen = new Map<string, number>()
  new Counter({
    name: 'twinflow_alert_evaluations_total',
    help: 'Evaluations of each alert rule by this process, by outcome (ok, failed).',
    labelNames: ['rule', 'outcome'],
    registers,
    collect() {
      for (const [rule, counts] of deps.evaluator.stats().evaluations) {
        for (const outcome of ['ok', 'failed'] as const) {
          const key = `${rule}\u0000${outcome}`
          this.inc({ rule, outcome }, Math.max(0, counts[outcome] - (seen.get(key) ?? 0)))
          seen.set(key, counts[outcome])
        }
      }
    },
  })
}
