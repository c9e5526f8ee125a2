import { describe, expect, it } from 'vitest'
import { checkResumeOffsets, TwinflowError } from '../index.ts'

describe('checkResumeOffsets', () => {
  it('accepts resuming at or before the end of each partition', () => {
    expect(() =>
      checkResumeOffsets(
        'the archiver',
        't',
        new Map([
          [0, 5],
          [1, 0],
        ]),
        new Map([
          [0, 5],
          [1, 3],
        ]),
      ),
    ).not.toThrow()
  })
  it('refuses to resume beyond the end, which would skip every new event', () => {
    const error = (() => {
      try {
        checkResumeOffsets('the archiver', 't', new Map([[0, 5001]]), new Map([[0, 12]]))
      } catch (e) {
        return e
      }
    })()
    expect(TwinflowError.is(error, 'config')).toBe(true)
    expect((error as Error).message).toMatch(/^the archiver recorded progress up to offset 5000 of t\[0\], but the log ends at 12/)
  })
})
