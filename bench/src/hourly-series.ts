import { count, definePipeline, defineStream, defineView, sum, t } from '@twinflow/core'

/** Samples of many series (one key each): the paging scenario's stream. */
export const samples = defineStream('samples', { key: t.string(), value: t.int64(), ts: t.eventTime() })

/** Hourly count and total per key. */
export const hourlySeries = defineView('hourlySeries', samples, {
  groupBy: (s) => ({ key: s.key }),
  window: '1h',
  measures: (s) => ({ n: count(), total: sum(s.value) }),
})

export const hourlySeriesPipeline = definePipeline({ streams: [samples], views: [hourlySeries] })
