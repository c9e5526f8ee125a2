import { describe, expect, it } from 'vitest'
import type { Publication } from '@twinflow/core'
import { nextVersion } from './next-version.ts'

const published = (...versions: number[]): Publication[] => versions.map((version) => ({ view: 'v', version, cutoff: 0, publishedAt: 0 }))

describe('nextVersion', () => {
  it('starts at 1', () => {
    expect(nextVersion([], [])).toBe(1)
  })

  it('follows the highest published version, also when its table was dropped', () => {
    expect(nextVersion(published(7, 5), [5])).toBe(8)
  })

  it('follows a table that was built and never published', () => {
    expect(nextVersion(published(3), [2, 3, 9])).toBe(10)
  })
})
