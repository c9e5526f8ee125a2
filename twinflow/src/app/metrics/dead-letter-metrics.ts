import { Counter, type Registry } from 'prom-client'
import type { DeadLetterQueue } from '@twinflow/core'

/** `twinflow_dead_letters_total{stream, stage}`: inputs this process dead-lettered. */
export function registerDeadLetterMetrics(registry: Registry, deadLetters: DeadLetterQueue): void {
  const seen = new Map<string, number>()
  new Counter({
    name: 'twinflow_dead_letters_total',
    help: 'Inputs this process sent to the dead-letter queue, by stream and stage (archiver, speed, ingest, a source).',
    labelNames: ['stream', 'stage'],
    registers: [registry],
    collect() {
      for (const [key, count] of deadLetters.counts()) {
        const slash = key.indexOf('/')
        const labels = { stream: slash < 0 ? key : key.slice(0, slash), stage: slash < 0 ? '' : key.slice(slash + 1) }
        this.inc(labels, Math.max(0, count - (seen.get(key) ?? 0)))
        seen.set(key, count)
      }
    },
  })
}
