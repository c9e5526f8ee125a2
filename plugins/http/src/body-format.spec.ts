import { describe, expect, it } from 'vitest'
import { bodyFormatOf } from './body-format.ts'

describe('bodyFormatOf', () => {
  it('reads the media type of NDJSON, JSON arrays and CSV/TSV, whatever its case and parameters', () => {
    expect(bodyFormatOf('application/x-ndjson', undefined)).toEqual({ ok: true, format: { kind: 'ndjson' } })
    expect(bodyFormatOf('Application/NDJSON; charset=UTF-8', undefined)).toEqual({ ok: true, format: { kind: 'ndjson' } })
    expect(bodyFormatOf('application/jsonl', 'identity')).toEqual({ ok: true, format: { kind: 'ndjson' } })
    expect(bodyFormatOf('application/json;charset="utf-8"', undefined)).toEqual({ ok: true, format: { kind: 'json' } })
    expect(bodyFormatOf('text/csv; header=present', undefined)).toEqual({ ok: true, format: { kind: 'csv', delimiter: ',' } })
    expect(bodyFormatOf('text/tab-separated-values', undefined)).toEqual({ ok: true, format: { kind: 'csv', delimiter: '\t' } })
  })

  it('refuses what it cannot read, saying what to send', () => {
    const reason = (type: string | undefined, encoding?: string) => {
      const result = bodyFormatOf(type, encoding)
      return result.ok ? 'accepted' : result.reason
    }
    expect(reason(undefined)).toMatch(/^the request has no Content-Type; send one of: application\/x-ndjson, /)
    expect(reason('text/plain')).toMatch(/^Content-Type "text\/plain" is not accepted; send one of: /)
    expect(reason('application/json; charset=latin1')).toBe('charset "latin1" is not supported: send UTF-8')
    expect(reason('text/csv; header=absent')).toMatch(/^CSV without a header line is not accepted/)
    expect(reason('application/x-ndjson', 'gzip')).toBe('Content-Encoding "gzip" is not supported: send the body uncompressed')
  })
})
