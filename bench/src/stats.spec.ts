import { describe, expect, it } from 'vitest'
import { quantile, ratios, summarize } from './stats.ts'
import { alternate } from './alternate.ts'

describe('bench statistics', () => {
  it('summarizes odd and even sample counts', () => {
    expect(summarize([3, 1, 2])).toEqual({ median: 2, min: 1, max: 3 })
    expect(summarize([4, 1, 3, 2])).toEqual({ median: 2.5, min: 1, max: 4 })
    expect(() => summarize([])).toThrow(/no samples/)
  })

  it('takes nearest-rank quantiles', () => {
    const xs = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(quantile(xs, 0.99)).toBe(99)
    expect(quantile(xs, 0.5)).toBe(50)
    expect(quantile([7], 0.99)).toBe(7)
  })

  it('divides per repetition', () => {
    expect(ratios([2, 3], [4, 3])).toEqual([0.5, 1])
    expect(() => ratios([1], [1, 2])).toThrow()
  })

  it('alternates in ABBA order', async () => {
    const order: string[] = []
    const { framework, baseline } = await alternate(3, {
      framework: async (i) => {
        order.push(`F${i}`)
        return i
      },
      baseline: async (i) => {
        order.push(`B${i}`)
        return -i
      },
    })
    expect(order).toEqual(['F0', 'B0', 'B1', 'F1', 'F2', 'B2'])
    expect(framework).toEqual([0, 1, 2])
    expect(baseline).toEqual([-0, -1, -2])
  })

  it('alternates three sides forward, then reversed', async () => {
    const order: string[] = []
    const side = (name: string) => async (i: number) => void order.push(`${name}${i}`)
    await alternate(2, { a: side('a'), b: side('b'), c: side('c') })
    expect(order).toEqual(['a0', 'b0', 'c0', 'c1', 'b1', 'a1'])
  })

  it('runs warm-up rounds of every side first (negative indexes) and leaves them out of the samples', async () => {
    const order: string[] = []
    const logged: string[] = []
    const { framework, baseline } = await alternate(
      2,
      {
        framework: async (i) => {
          order.push(`F${i}`)
          return i
        },
        baseline: async (i) => {
          order.push(`B${i}`)
          return i
        },
      },
      { warmUps: 2, log: (m) => logged.push(m) },
    )
    expect(order).toEqual(['F-1', 'B-1', 'F-2', 'B-2', 'F0', 'B0', 'B1', 'F1'])
    expect(framework).toEqual([0, 1])
    expect(baseline).toEqual([0, 1])
    expect(logged[0]).toBe('  framework warm-up 1: -1')
  })
})
