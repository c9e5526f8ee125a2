import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { parseBatchLayerOptions } from './batch-layer-options.ts'

describe('parseBatchLayerOptions', () => {
  it('fills in the documented defaults', () => {
    expect(parseBatchLayerOptions(undefined)).toEqual({
      schedule: '* * * * *',
      archiver: { groupId: 'twinflow-archiver', maxBatchSize: 5000, retries: 5, initialRetryDelayMs: 200 },
      runner: { keepVersions: 2, retries: 3, initialRetryDelayMs: 1000, waitTimeoutMs: 60_000, pollIntervalMs: 250 },
    })
  })

  it('keeps what is given, and parsed options parse to themselves', () => {
    const parsed = parseBatchLayerOptions({ schedule: '*/5 * * * *', archiver: { groupId: 'arch' }, runner: { keepVersions: 3, retries: 0 } })
    expect(parsed.schedule).toBe('*/5 * * * *')
    expect(parsed.archiver.groupId).toBe('arch')
    expect(parsed.archiver.maxBatchSize).toBe(5000)
    expect(parsed.runner).toMatchObject({ keepVersions: 3, retries: 0, waitTimeoutMs: 60_000 })
    expect(parseBatchLayerOptions(parsed)).toEqual(parsed)
  })

  it('rejects bad options with a config error that names the option', () => {
    const bad: [unknown, string][] = [
      ['fast', '  - batch: must be an object, got "fast"'],
      [{ cron: '* * * * *' }, '  - batch: unknown option "cron"; known options: schedule, archiver, runner'],
      [{ schedule: '' }, '  - batch.schedule: must be a cron expression such as "* * * * *", got ""'],
      [{ runner: { keepVersions: 0 } }, '  - batch.runner.keepVersions: must be an integer >= 1, got 0'],
      [{ runner: { waitTimeoutMs: 1.5 } }, '  - batch.runner.waitTimeoutMs: must be an integer >= 0, got 1.5'],
      [{ runner: { pollIntervalMs: 0 } }, '  - batch.runner.pollIntervalMs: must be an integer >= 1, got 0'],
      [{ archiver: { groupId: 7 } }, '  - batch.archiver.groupId: must be a non-empty string, got 7'],
      [{ archiver: { groupId: ' ' } }, '  - batch.archiver.groupId: must be a non-empty string, got " "'],
      [{ archiver: { batchSize: 7 } }, '  - batch.archiver: unknown option "batchSize"; known options: groupId, maxBatchSize, retries, initialRetryDelayMs'],
    ]
    for (const [raw, message] of bad) {
      expect(() => parseBatchLayerOptions(raw)).toThrow(message)
      expect(() => parseBatchLayerOptions(raw)).toThrow(TwinflowError)
    }
  })

  it('lists every problem at once', () => {
    expect(() => parseBatchLayerOptions({ runner: { keepVersions: 0, retries: -1 } })).toThrow(
      'invalid batch options:\n  - batch.runner.keepVersions: must be an integer >= 1, got 0\n  - batch.runner.retries: must be an integer >= 0, got -1',
    )
  })
})
