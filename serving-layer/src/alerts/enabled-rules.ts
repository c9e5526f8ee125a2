import { TwinflowError, type AlertDef, type Channels, type Pipeline } from '@twinflow/core'
import type { ResolvedAlertOptions } from './alert-options.ts'

/** A rule the config turned on, with the channels it notifies. */
export interface EnabledRule {
  rule: AlertDef
  channels: readonly string[]
}

/**
 * The rules `alerts.rules` turns on, checked against the declaration and the channels: a rule
 * that is not declared, or a channel that is not configured or does not take alert notifications,
 * is a `config` error that says what to fix.
 */
export function enabledRules(pipeline: Pipeline, options: ResolvedAlertOptions, channels: Pick<Channels, 'check'>): EnabledRule[] {
  return Object.entries(options.rules).map(([name, settings]) => {
    const rule = pipeline.alerts.find((a) => a.name === name)
    if (!rule) {
      const declared = pipeline.alerts.map((a) => a.name)
      throw new TwinflowError(
        'config',
        `alerts.rules.${name}: no alert rule "${name}" is declared in the pipeline; declared: ${declared.join(', ') || 'none (declare one with defineAlert)'}`,
      )
    }
    channels.check(settings.channels, 'alert', `alerts.rules.${name}.channels`)
    return { rule, channels: settings.channels }
  })
}
