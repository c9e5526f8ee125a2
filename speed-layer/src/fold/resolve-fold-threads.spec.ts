import { describe, expect, it } from 'vitest'
import { resolveFoldThreads } from './resolve-fold-threads.ts'

describe('resolveFoldThreads', () => {
  it("'auto' runs one thread when the pipeline module is known and there is a second core", () => {
    expect(resolveFoldThreads('auto', 'file:///app/pipeline.ts', 2)).toBe(1)
    expect(resolveFoldThreads('auto', 'file:///app/pipeline.ts', 16)).toBe(1)
    expect(resolveFoldThreads('auto', 'file:///app/pipeline.ts', 1)).toBe(0)
    expect(resolveFoldThreads('auto', undefined, 16)).toBe(0)
  })

  it('takes a number as it is, and says what to fix when threads have no pipeline module', () => {
    expect(resolveFoldThreads(0, undefined, 4)).toBe(0)
    expect(resolveFoldThreads(3, 'file:///app/pipeline.ts', 1)).toBe(3)
    expect(() => resolveFoldThreads(2, undefined, 4)).toThrow(`option "foldThreads" is 2, but no pipeline module is known`)
  })
})
