import { defineStream, t } from '@twinflow/core'

/**
 * The history load's test stream: a field of every kind the TabSeparated fast path handles (a
 * length limit, an enum, an optional field, a default on invalid input), and the mapping its files
 * are loaded with (`reading_id` renamed to `id`).
 */
export const readings = defineStream('readings', {
  id: t.string(),
  label: t.string({ maxBytes: 8 }),
  kind: t.enum(['a', 'b']),
  count: t.int64(),
  ratio: t.float64(),
  on: t.boolean(),
  note: t.string().optional(),
  level: t.int64().default(0).onInvalid('default'),
  ts: t.eventTime(),
})

export const readingsMapping = { rename: { reading_id: 'id' } }
