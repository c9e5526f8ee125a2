import { describe, expect, it } from 'vitest'
import { parseConfig } from './parse-config.ts'

const runtimes = {
  eventLog: { plugin: 'memory' },
  clickhouse: { plugin: 'chdb' },
  realtimeStore: { plugin: 'memory' },
  deadLetterQueue: { plugin: 'memory' },
  scheduler: { plugin: 'node-cron' },
}

describe('the batch and speed sections of the config', () => {
  it("are the layers' options, with their defaults", () => {
    const config = parseConfig({ runtimes, batch: { runner: { keepVersions: 3 } }, speed: { groupId: 'speed-eu' } })
    expect(config.batch).toEqual({
      schedule: '* * * * *',
      archiver: { groupId: 'twinflow-archiver', maxBatchSize: 5000, retries: 5, initialRetryDelayMs: 200 },
      runner: { keepVersions: 3, retries: 3, initialRetryDelayMs: 1000, waitTimeoutMs: 60_000, pollIntervalMs: 250 },
    })
    expect(config.speed).toMatchObject({ groupId: 'speed-eu', maxBatchSize: 5000, foldThreads: 'auto', retry: { retries: 5 } })
  })

  it('name the option to fix by its path in the config, every problem at once', () => {
    expect(() => parseConfig({ runtimes, batch: { runner: { keepVersions: 0 } }, speed: { retry: { retries: -1 }, batchSize: 1 } })).toThrow(
      [
        'invalid config:',
        '  - batch.runner.keepVersions: must be an integer >= 1, got 0',
        '  - speed.retry.retries: must be an integer >= 0, got -1',
        '  - speed: unknown option "batchSize"; known options: groupId, maxBatchSize, cutoffRefreshMs, maxEventBytes, retry, foldThreads, foldTimeoutMs',
      ].join('\n'),
    )
    expect(() => parseConfig({ runtimes, batch: { schedule: '' } })).toThrow('  - batch.schedule: must be a cron expression such as "* * * * *", got ""')
    expect(() => parseConfig({ runtimes, speed: [] })).toThrow('  - speed: must be an object, got []')
  })
})
