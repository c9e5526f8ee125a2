import { describe, expect, it } from 'vitest'
import { afterLines, TsvBlock } from './tsv-block.ts'

describe('TsvBlock', () => {
  it('keeps the lines as UTF-8 bytes across growth, and starts a new block when taken', () => {
    const block = new TsvBlock(4)
    const lines = Array.from({ length: 50 }, (_, i) => `${i}\tünïcødé ✓ ${'x'.repeat(i)}\n`)
    lines.forEach((line, i) => block.add(10 + i, line))
    const taken = block.take()
    expect(taken).toMatchObject({ rows: 50, first: 10 })
    expect(taken.bytes.toString('utf8')).toBe(lines.join(''))
    expect(block.rows).toBe(0)
    block.add(60, 'a\n')
    expect(block.take()).toMatchObject({ rows: 1, first: 60, bytes: Buffer.from('a\n') })
  })

  it('afterLines skips whole lines', () => {
    const bytes = Buffer.from('a\tb\nc\\nd\ne\n')
    expect(afterLines(bytes, 0).toString()).toBe('a\tb\nc\\nd\ne\n')
    expect(afterLines(bytes, 2).toString()).toBe('e\n')
    expect(afterLines(bytes, 3).length).toBe(0)
    expect(afterLines(bytes, 9).length).toBe(0)
  })
})
