import { describe, expect, it } from 'vitest'
import { FrameIndex } from './frame-index.ts'

describe('FrameIndex', () => {
  it('finds the entry holding an offset, drops whole segments from the front, and keeps its entries as it grows and compacts', () => {
    const index = new FrameIndex()
    // 100 entries of 10 records each, 10 entries a segment.
    for (let i = 0; i < 100; i++) index.push(i * 10, 10, Math.floor(i / 10), i * 1000, 900 + i)
    expect(index.length).toBe(100)
    expect([index.find(0), index.find(9), index.find(10), index.find(995), index.find(-1)]).toEqual([0, 0, 1, 99, -1])
    index.dropThroughSegment(3)
    expect(index.length).toBe(60)
    expect([index.firstOffset(0), index.segment(0), index.position(0), index.byteLength(0), index.count(0)]).toEqual([400, 4, 40_000, 940, 10])
    expect([index.find(399), index.find(400), index.find(555)]).toEqual([-1, 0, 15])
    // Growing past the capacity again compacts the dropped entries away, in order.
    for (let i = 100; i < 300; i++) index.push(i * 10, 10, Math.floor(i / 10), i * 1000, 900 + i)
    expect(index.length).toBe(260)
    expect(Array.from({ length: index.length }, (_, i) => index.firstOffset(i))).toEqual(Array.from({ length: 260 }, (_, i) => (i + 40) * 10))
    index.dropThroughSegment(1000)
    expect(index.length).toBe(0)
    expect(index.find(5000)).toBe(-1)
  })
})
