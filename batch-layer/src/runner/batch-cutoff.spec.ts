import { describe, expect, it } from 'vitest'
import { batchCutoff } from './batch-cutoff.ts'

const H = 3_600_000
const at = (iso: string) => Date.parse(iso)
const base = { windowMs: H, allowedLatenessMs: 5 * 60_000, served: null }
const now = at('2026-12-06T20:30:00Z')

describe('batchCutoff', () => {
  it('live data: the window before now minus the lateness, as the clock gives it', () => {
    expect(batchCutoff({ ...base, now, watermarks: { log: now - 1_000, loaded: null } })).toBe(at('2026-12-06T20:00:00Z'))
    expect(batchCutoff({ ...base, now: at('2026-12-06T20:03:00Z'), watermarks: { log: at('2026-12-06T20:02:00Z'), loaded: null } })).toBe(at('2026-12-06T19:00:00Z'))
  })

  it('a replay of past data: the split follows the log watermark, not the wall clock', () => {
    expect(batchCutoff({ ...base, now, watermarks: { log: at('2026-05-31T17:42:00Z'), loaded: null } })).toBe(at('2026-05-31T17:00:00Z'))
    expect(batchCutoff({ ...base, now, watermarks: { log: at('2026-05-31T17:03:00Z'), loaded: null } })).toBe(at('2026-05-31T16:00:00Z'))
  })

  it('loaded history: the batch covers every loaded window whole, never past the clock bound', () => {
    expect(batchCutoff({ ...base, now, watermarks: { log: null, loaded: at('2026-05-31T17:42:00Z') } })).toBe(at('2026-05-31T18:00:00Z'))
    // Loaded history newer than the log's: the loaded bound wins; older: the log's.
    expect(batchCutoff({ ...base, now, watermarks: { log: at('2026-03-01T00:30:00Z'), loaded: at('2026-05-31T17:42:00Z') } })).toBe(at('2026-05-31T18:00:00Z'))
    expect(batchCutoff({ ...base, now, watermarks: { log: at('2026-06-10T09:30:00Z'), loaded: at('2026-05-31T17:42:00Z') } })).toBe(at('2026-06-10T09:00:00Z'))
    expect(batchCutoff({ ...base, now, watermarks: { log: null, loaded: now - 60_000 } })).toBe(at('2026-12-06T20:00:00Z'))
  })

  it('an empty stream: the start of time (whatever comes first is the speed layer’s); never below the served cutoff', () => {
    expect(batchCutoff({ ...base, now, watermarks: { log: null, loaded: null } })).toBe(0)
    expect(batchCutoff({ ...base, now, served: at('2026-12-06T19:00:00Z'), watermarks: { log: at('2026-05-31T17:42:00Z'), loaded: null } })).toBe(at('2026-12-06T19:00:00Z'))
    // A daily view aligns to the day.
    expect(batchCutoff({ ...base, windowMs: 24 * H, now, watermarks: { log: at('2026-05-31T17:42:00Z'), loaded: null } })).toBe(at('2026-05-31T00:00:00Z'))
  })
})
