import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LineCounter } from './line-counter.ts'

describe('LineCounter', () => {
  it('numbers lines from 1, a byte after an LF being on the next line', () => {
    const counter = new LineCounter()
    counter.feed(Buffer.from('ab\ncd\n'))
    counter.feed(Buffer.from('\nef'))
    expect([0, 1, 2, 3, 5, 6, 7, 8].map((p) => counter.lineOf(p))).toEqual([1, 1, 1, 2, 2, 3, 4, 4])
  })

  it('gives the line an editor shows for every position, whatever the chunks (property)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: fc.constantFrom('a', 'b', '\n', '\r', 'é'), maxLength: 12_000 }),
        fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 20 }),
        (text, cuts) => {
          const bytes = Buffer.from(text)
          const counter = new LineCounter()
          let at = 0
          for (let i = 0; at < bytes.length; i++) {
            const size = cuts[i % cuts.length]!
            counter.feed(bytes.subarray(at, at + size))
            at += size
          }
          for (let p = 0; p < bytes.length; p += 7) {
            const expected = bytes.subarray(0, p).filter((b) => b === 0x0a).length + 1
            if (counter.lineOf(p) !== expected) return false
          }
          return true
        },
      ),
    )
  })
})
