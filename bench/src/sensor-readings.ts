import { avg, count, definePipeline, defineStream, defineView, sum, t } from '@twinflow/core'

/** The dashboard scenario's stream: readings of 200 sensors. */
export const readings = defineStream('readings', { sensor: t.string(), value: t.int64(), ts: t.eventTime() })

/** Hourly readings per sensor: the view the dashboard charts (7 days × 200 keys = 33,600 rows). */
export const sensorReadings = defineView('sensorReadings', readings, {
  groupBy: (r) => ({ sensor: r.sensor }),
  window: '1h',
  measures: (r) => ({ readings: count(), total: sum(r.value), average: avg(r.value) }),
})

export const sensorPipeline = definePipeline({ streams: [readings], views: [sensorReadings] })

const HOUR = 3_600_000

/**
 * `perHour` readings of each of `sensors` sensors in every hour of [from, to), in time order, with
 * values whose scale differs by sensor (so that a top 10 stands out), from a fixed seed.
 */
export function generateReadings(sensors: number, perHour: number, from: number, to: number): { sensor: string; value: number; ts: number }[] {
  let seed = 7
  const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
  const events: { sensor: string; value: number; ts: number }[] = []
  for (let hour = Math.floor(from / HOUR) * HOUR; hour < to; hour += HOUR) {
    for (let s = 0; s < sensors; s++) {
      for (let i = 0; i < perHour; i++) {
        const ts = hour + Math.floor(random() * HOUR)
        if (ts >= from && ts < to) events.push({ sensor: `sensor-${String(s).padStart(3, '0')}`, value: Math.round((1 + random()) * (sensors - s) * 10), ts })
      }
    }
  }
  return events.sort((a, b) => a.ts - b.ts)
}
