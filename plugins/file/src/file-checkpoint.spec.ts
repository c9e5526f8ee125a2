import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { decodeFileCheckpoint, encodeFileCheckpoint, type FileCheckpoint, isBelowWatermark, type TrackedFile, trackFile } from './file-checkpoint.ts'

const file = (name: string, over: Partial<TrackedFile> = {}): TrackedFile => ({
  name,
  ino: '42',
  size: 10,
  mtimeMs: 1.5,
  fp: 'abcdef0123456789',
  fpBytes: 10,
  offset: 10,
  line: 3,
  done: true,
  closed: false,
  ...over,
})

describe('file checkpoint', () => {
  it('encodes and decodes every field', () => {
    const checkpoint: FileCheckpoint = { below: 'a.csv', files: [file('b.csv'), file('c.json', { done: false, closed: true, ino: '', offset: 4 })] }
    expect(decodeFileCheckpoint(encodeFileCheckpoint(checkpoint), 's')).toEqual(checkpoint)
    expect(decodeFileCheckpoint(null, 's')).toEqual({ below: null, files: [] })
  })

  it('refuses a checkpoint it did not write, naming the source (it would resume at the wrong place)', () => {
    expect(() => decodeFileCheckpoint('12', 'orders-files')).toThrow(/source "orders-files": its checkpoint in the log is not a file source's/)
    expect(() => decodeFileCheckpoint('{"v":1,"below":null,"files":[["a"]]}', 's')).toThrow('bad file entry')
    expect(() => decodeFileCheckpoint('not json', 's')).toThrow('not JSON')
  })

  it('tracks at most the limit: the done file with the smallest name falls under the watermark', () => {
    let cp: FileCheckpoint = { below: null, files: [] }
    for (const name of ['c', 'a', 'b', 'd']) cp = trackFile(cp, file(name), 3)
    expect(cp.files.map((f) => f.name)).toEqual(['b', 'c', 'd'])
    expect(cp.below).toBe('a')
    expect(isBelowWatermark(cp, 'a')).toBe(true)
    expect(isBelowWatermark(cp, '0-earlier')).toBe(true)
    expect(isBelowWatermark(cp, 'b')).toBe(false)
    expect(isBelowWatermark(cp, 'e')).toBe(false)
    // A file not done is never dropped: its rest would be lost.
    cp = trackFile(cp, file('b', { done: false }), 3)
    cp = trackFile(cp, file('e'), 3)
    expect(cp.files.map((f) => f.name)).toEqual(['b', 'd', 'e'])
    expect(cp.below).toBe('c')
    expect(isBelowWatermark(cp, 'b')).toBe(false)
  })

  it('property: bounded by the limit plus the files not done; a dropped file is always below the watermark', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ maxLength: 3 }), fc.boolean())), fc.integer({ min: 1, max: 5 }), (updates, limit) => {
        let cp: FileCheckpoint = { below: null, files: [] }
        const seen = new Set<string>()
        for (const [name, done] of updates) {
          cp = trackFile(cp, file(name, { done }), limit)
          seen.add(name)
          const notDone = cp.files.filter((f) => !f.done).length
          expect(cp.files.length).toBeLessThanOrEqual(Math.max(limit, notDone))
          expect(cp.files.map((f) => f.name)).toEqual([...new Set(cp.files.map((f) => f.name))].sort())
          for (const n of seen) if (!cp.files.some((f) => f.name === n)) expect(isBelowWatermark(cp, n)).toBe(true)
        }
      }),
    )
  })
})
