import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { LineIndex } from './line-index.ts'

/** The line of the byte at `offset`, counted in the whole text. */
const lineOf = (bytes: Buffer, offset: number, firstLine = 1) => firstLine + [...bytes.subarray(0, offset)].filter((b) => b === 0x0a).length

describe('LineIndex', () => {
  it('numbers lines of offsets asked in order, across chunks', () => {
    const index = new LineIndex(0, 1, 1 << 20)
    index.add(Buffer.from('a\nbb\n'))
    index.add(Buffer.from('\nccc'))
    expect([index.lineAt(0), index.lineAt(2), index.lineAt(5), index.lineAt(6), index.lineAt(9)]).toEqual([1, 2, 3, 4, 4])
    expect(index.lineAt(1)).toBeNull() // behind what it keeps
    expect(index.lineAt(10)).toBeNull() // not read yet
  })

  it('starts anywhere in a file, and lets go of chunks behind its window', () => {
    const index = new LineIndex(100, 7, 8)
    for (let i = 0; i < 10; i++) index.add(Buffer.from('x\nyyyy\n'))
    expect(index.lineAt(100)).toBeNull() // more than 8 bytes behind the newest: counted and dropped
    expect(index.lineAt(100 + 9 * 7)).toBe(7 + 18)
  })

  it('property: any chunks, any offsets asked in order within the window, give the lines of the whole text', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('a', '\n', 'bc', '\r\n'), { maxLength: 60 }),
        fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 1, maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 10 }),
        fc.integer({ min: 0, max: 20 }),
        (parts, sizes, asks, start) => {
          const text = Buffer.from(parts.join(''))
          const index = new LineIndex(start, 5, 1 << 20)
          const offsets = asks.map((a) => a % (text.length + 1)).sort((a, b) => a - b)
          let at = 0
          for (let k = 0; at < text.length; k++) {
            const size = sizes[k % sizes.length]!
            index.add(text.subarray(at, at + size))
            at += size
          }
          for (const o of offsets) expect(index.lineAt(start + o)).toBe(lineOf(text, o, 5))
        },
      ),
    )
  })
})
