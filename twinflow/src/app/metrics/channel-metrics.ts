import { Counter, type Registry } from 'prom-client'
import type { Channels } from '@twinflow/core'

/**
 * `twinflow_channel_notifications_total{channel, kind, outcome}`: what this process's channels did
 * with its notifications: `delivered`, `dead-lettered` (after the last attempt), and each
 * `failed-attempt`.
 */
export function registerChannelMetrics(registry: Registry, channels: Channels): void {
  if (registry.getSingleMetric('twinflow_channel_notifications_total')) return
  const seen = new Map<string, number>()
  new Counter({
    name: 'twinflow_channel_notifications_total',
    help: 'Notifications this process sent to each channel (sink), by kind and outcome: delivered, dead-lettered, and each failed attempt.',
    labelNames: ['channel', 'kind', 'outcome'],
    registers: [registry],
    collect() {
      for (const { channel, kind, outcome, count } of channels.counts()) {
        const key = `${channel}\u0000${kind}\u0000${outcome}`
        this.inc({ channel, kind, outcome }, Math.max(0, count - (seen.get(key) ?? 0)))
        seen.set(key, count)
      }
    },
  })
}
