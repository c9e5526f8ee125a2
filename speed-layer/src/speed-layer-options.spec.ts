import { TwinflowError } from '@twinflow/core'
import { describe, expect, it } from 'vitest'
import { parseSpeedLayerOptions } from './speed-layer-options.ts'

describe('parseSpeedLayerOptions', () => {
  it('fills in the documented defaults', () => {
    expect(parseSpeedLayerOptions(undefined)).toEqual({
      groupId: 'twinflow-speed',
      maxBatchSize: 5000,
      cutoffRefreshMs: 30_000,
      maxEventBytes: 1024 * 1024,
      retry: { retries: 5, initialDelayMs: 300, maxDelayMs: 30_000 },
      foldThreads: 'auto',
      foldTimeoutMs: 30_000,
    })
    expect(parseSpeedLayerOptions({ foldThreads: 0 }).foldThreads).toBe(0)
    expect(parseSpeedLayerOptions({ foldThreads: 2 }).foldThreads).toBe(2)
    expect(parseSpeedLayerOptions({ groupId: 'speed-eu', retry: { retries: 0 } })).toMatchObject({ groupId: 'speed-eu', retry: { retries: 0, initialDelayMs: 300 } })
  })

  it('gives back options it parsed', () => {
    const parsed = parseSpeedLayerOptions({ groupId: 'speed-eu', foldThreads: 2, retry: { retries: 0 } })
    expect(parseSpeedLayerOptions(parsed)).toEqual(parsed)
  })

  it('rejects bad options with a config error that says what to fix', () => {
    const bad = (raw: unknown) => () => parseSpeedLayerOptions(raw)
    expect(bad({ maxBatchSize: 0 })).toThrow('invalid speed options:\n  - speed.maxBatchSize: must be an integer >= 1, got 0')
    expect(bad({ cutoffRefreshMs: '5s' })).toThrow('speed.cutoffRefreshMs: must be an integer >= 1, got "5s"')
    expect(bad({ retry: { retries: -1 } })).toThrow('speed.retry.retries: must be an integer >= 0, got -1')
    expect(bad({ retry: { attempts: 3 } })).toThrow('speed.retry: unknown option "attempts"; known options: retries, initialDelayMs, maxDelayMs')
    expect(bad({ groupId: '' })).toThrow('speed.groupId: must be a non-empty string, got ""')
    expect(bad({ batchSize: 10 })).toThrow(
      'speed: unknown option "batchSize"; known options: groupId, maxBatchSize, cutoffRefreshMs, maxEventBytes, retry, foldThreads, foldTimeoutMs',
    )
    expect(bad({ foldThreads: 'max' })).toThrow('speed.foldThreads: must be an integer >= 0 or "auto", got "max"')
    expect(bad({ foldThreads: 1.5 })).toThrow('speed.foldThreads: must be an integer >= 0 or "auto", got 1.5')
    expect(bad({ foldTimeoutMs: 50 })).toThrow('speed.foldTimeoutMs: must be an integer >= 100, got 50')
    expect(bad([])).toThrow('speed: must be an object, got []')
    expect(bad({ maxBatchSize: 0 })).toThrow(TwinflowError)
  })
})
