import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { parseGeneratorOptions } from './generator-options.ts'

describe('parseGeneratorOptions', () => {
  it('fills in the defaults', () => {
    expect(parseGeneratorOptions({ stream: 'orders' })).toEqual({
      stream: 'orders',
      ratePerSecond: 50,
      backfillEvents: 20_000,
      backfillHours: 6,
      cardinality: 6,
      invalidRatio: 0,
      maxEvents: Number.POSITIVE_INFINITY,
      seed: 1,
    })
    expect(parseGeneratorOptions({ stream: 'orders', ratePerSecond: 0.5, maxEvents: 10 })).toMatchObject({ ratePerSecond: 0.5, maxEvents: 10 })
  })

  it('rejects bad options with a config error that names them', () => {
    expect(() => parseGeneratorOptions({})).toThrow('stream: must name a stream of the pipeline')
    expect(() => parseGeneratorOptions({ stream: '' })).toThrow('stream: must name a stream of the pipeline')
    expect(() => parseGeneratorOptions({ stream: 'orders', ratePerSecond: -1 })).toThrow('ratePerSecond: must be a number >= 0, got -1')
    expect(() => parseGeneratorOptions({ stream: 'orders', invalidRatio: 2 })).toThrow('invalidRatio: must be a number from 0 to 1, got 2')
    expect(() => parseGeneratorOptions({ stream: 'orders', rate: 5 })).toThrow('unknown option "rate"; known options: stream, ratePerSecond')
    expect(() => parseGeneratorOptions({ stream: 'orders', seed: '1' })).toThrow(TwinflowError)
  })
})
