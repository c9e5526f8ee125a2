import { describe, expect, it } from 'vitest'
import { classifyChange } from './file-change.ts'
import type { TrackedFile } from './file-checkpoint.ts'
import { globParts } from './glob-files.ts'

const tracked: TrackedFile = { name: 'a.ndjson', ino: '7', size: 100, mtimeMs: 5, fp: 'same', fpBytes: 100, offset: 100, line: 4, done: true, closed: false }
const fp = (value: string) => async (): Promise<string> => value

describe('classifyChange', () => {
  it('tells appended records from a new content under the same name', async () => {
    expect(await classifyChange(tracked, { ino: '7', size: 100, mtimeMs: 5 }, 'ndjson', fp('other'))).toBe('unchanged')
    expect(await classifyChange(tracked, { ino: '7', size: 100, mtimeMs: 9 }, 'ndjson', fp('same'))).toBe('unchanged')
    expect(await classifyChange(tracked, { ino: '7', size: 150, mtimeMs: 9 }, 'ndjson', fp('same'))).toBe('grown')
    expect(await classifyChange(tracked, { ino: '8', size: 150, mtimeMs: 9 }, 'ndjson', fp('same'))).toBe('replaced')
    expect(await classifyChange(tracked, { ino: '7', size: 20, mtimeMs: 9 }, 'ndjson', fp('same'))).toBe('truncated')
    expect(await classifyChange(tracked, { ino: '7', size: 150, mtimeMs: 9 }, 'ndjson', fp('other'))).toBe('rewritten')
    expect(await classifyChange(tracked, { ino: '7', size: 100, mtimeMs: 9 }, 'ndjson', fp('other'))).toBe('rewritten')
    // Without inodes (some file systems), the fingerprint and the size tell.
    expect(await classifyChange({ ...tracked, ino: '' }, { ino: '9', size: 150, mtimeMs: 9 }, 'csv', fp('same'))).toBe('grown')
  })

  it('a file that cannot grow by appending is rewritten when it grows', async () => {
    expect(await classifyChange(tracked, { ino: '7', size: 150, mtimeMs: 9 }, 'parquet', fp('same'))).toBe('rewritten')
    expect(await classifyChange({ ...tracked, closed: true }, { ino: '7', size: 150, mtimeMs: 9 }, 'json', fp('same'))).toBe('rewritten')
    expect(await classifyChange(tracked, { ino: '7', size: 150, mtimeMs: 9 }, 'json', fp('same'))).toBe('grown')
  })
})

describe('globParts', () => {
  it('splits a glob at its last folder without wildcards', () => {
    expect(globParts('data/2026/*.csv', '/srv')).toEqual({ base: '/srv/data/2026', pattern: '*.csv' })
    expect(globParts('/in/**/*.ndjson', '/srv')).toEqual({ base: '/in', pattern: '**/*.ndjson' })
    expect(globParts('{a,b}/x.json', '/srv')).toEqual({ base: '/srv', pattern: '{a,b}/x.json' })
    expect(globParts('exports/orders[1].csv', '/srv')).toEqual({ base: '/srv/exports', pattern: 'orders[1].csv' })
    expect(globParts('orders.csv', '/srv')).toEqual({ base: '/srv', pattern: 'orders.csv' })
  })
})
