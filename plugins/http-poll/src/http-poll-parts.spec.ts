import { describe, expect, it } from 'vitest'
import { parseHttpPollOptions } from './http-poll-options.ts'
import { compileJsonPath } from './json-path.ts'
import { linkOf } from './link-header.ts'
import { decodePollCheckpoint, encodePollCheckpoint, type PollCheckpoint } from './poll-checkpoint.ts'
import { redact } from './request-json.ts'
import { retryAfterMs } from './retry-after.ts'

describe('compileJsonPath', () => {
  it('reads names, indices and quoted names; undefined where there is nothing', () => {
    const doc = { data: { items: [1, 2], 'odd key': { x: true } }, list: [{ rows: ['r'] }] }
    expect(compileJsonPath('$')(doc)).toBe(doc)
    expect(compileJsonPath('')(doc)).toBe(doc)
    expect(compileJsonPath('data.items')(doc)).toEqual([1, 2])
    expect(compileJsonPath('$.data.items[1]')(doc)).toBe(2)
    expect(compileJsonPath("$.data['odd key'].x")(doc)).toBe(true)
    expect(compileJsonPath('list[0].rows')(doc)).toEqual(['r'])
    expect(compileJsonPath('data.missing.deeper')(doc)).toBeUndefined()
    expect(compileJsonPath('data.items.length')(doc)).toBeUndefined()
    expect(compileJsonPath('$.constructor')({})).toBeUndefined()
  })
  it('refuses what it cannot read, saying where', () => {
    expect(() => compileJsonPath('a..b')).toThrow('at character 2')
    expect(() => compileJsonPath('a[x]')).toThrow('expected an index or a quoted name')
    expect(() => compileJsonPath('a[1')).toThrow('is not closed')
  })
})

describe('linkOf', () => {
  it("finds rel=next among a Link header's links, resolved against the request", () => {
    const header = '<https://api.x/items?page=1>; rel="first", </items?page=3>; rel="next last", <https://api.x/items?page=9>; rel=last'
    expect(linkOf(header, 'next', 'https://api.x/items?page=2')).toBe('https://api.x/items?page=3')
    expect(linkOf(header, 'prev', 'https://api.x/')).toBeNull()
    expect(linkOf('<https://api.x/b>; title="x, y"; rel=next', 'next', 'https://api.x/')).toBe('https://api.x/b')
    expect(linkOf(null, 'next', 'https://api.x/')).toBeNull()
  })
})

describe('retryAfterMs', () => {
  it('reads delay-seconds and HTTP dates', () => {
    const now = Date.parse('2026-03-01T10:00:00Z')
    expect(retryAfterMs('120', now)).toBe(120_000)
    expect(retryAfterMs('Sun, 01 Mar 2026 10:00:30 GMT', now)).toBe(30_000)
    expect(retryAfterMs('Sun, 01 Mar 2026 09:00:00 GMT', now)).toBe(0)
    expect(retryAfterMs('soon', now)).toBeNull()
    expect(retryAfterMs(null, now)).toBeNull()
  })
})

describe('poll checkpoint', () => {
  it('encodes and decodes; refuses one it did not write', () => {
    const checkpoint: PollCheckpoint = {
      polls: 3,
      next: { index: 2, cursor: 'abc' },
      since: { value: '2026-03-01T10:00:00Z', keys: ['k1'] },
      high: { value: 12, keys: [] },
      validators: { request: '[null]', etag: '"v1"', lastModified: null },
    }
    expect(decodePollCheckpoint(encodePollCheckpoint(checkpoint), 's')).toEqual(checkpoint)
    expect(decodePollCheckpoint(null, 's')).toEqual({ polls: 0, next: null, since: null, high: null, validators: null })
    expect(() => decodePollCheckpoint('{"v":1,"polls":-1}', 'api')).toThrow(/source "api": its checkpoint in the log is not an http-poll source's \(bad poll count\)/)
    expect(() => decodePollCheckpoint('42', 'api')).toThrow('version undefined')
  })
})

describe('http-poll options', () => {
  it('fill in the defaults and name what to fix', () => {
    expect(parseHttpPollOptions({ stream: 'orders', url: 'https://api.example.com/v1/orders' })).toMatchObject({
      recordsPath: '$',
      pagination: { type: 'none' },
      maxRequestsPerSecond: 5,
      retries: 5,
      headers: {},
    })
    expect(parseHttpPollOptions({ stream: 'o', url: 'http://x/', pagination: { type: 'page' } }).pagination).toEqual({ type: 'page', param: 'page', start: 1 })
    expect(() => parseHttpPollOptions({ stream: 'o', url: 'ftp://x' })).toThrow('url: must be an http or https URL')
    expect(() => parseHttpPollOptions({ stream: 'o', url: 'http://x', recordsPath: 'a..b' })).toThrow('recordsPath: not a JSON path at character 2')
    expect(() => parseHttpPollOptions({ stream: 'o', url: 'http://x', intervalMs: 1000, cron: '* * * * *' })).toThrow('cron: give intervalMs or cron, not both')
    expect(() => parseHttpPollOptions({ stream: 'o', url: 'http://x', pagination: { type: 'pages' } })).toThrow('pagination.type: must be one of')
    expect(() => parseHttpPollOptions({ stream: 'o', url: 'http://x', header: {} })).toThrow('unknown option "header"')
  })
  it('logs URLs without the values of their query (a key may be there)', () => {
    expect(redact('https://user:pw@api.x/v1?api_key=secret&page=2')).toBe('https://api.x/v1?api_key=%E2%80%A6&page=%E2%80%A6')
  })
})
