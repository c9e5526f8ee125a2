import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { isAbsolute, join, relative } from 'node:path'
import { createJsonLogger } from '@twinflow/core'
import { onlineStorePipelineModule as EXAMPLE_MODULE } from '@twinflow/example-online-store'
import { afterEach, describe, expect, it } from 'vitest'
import { createTwinflow } from '../app/create-twinflow.ts'
import type { Twinflow } from '../app/twinflow.ts'
import { loadConfigFile } from './load-config-file.ts'

describe('loadConfigFile', () => {
  let twinflow: Twinflow | undefined
  const dir = mkdtempSync(join(tmpdir(), 'twinflow-config-'))
  afterEach(async () => {
    await twinflow?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('resolves the pipeline module against the config file, and the speed role folds in a thread that imports it', async () => {
    const file = join(dir, 'twinflow.json')
    const pipeline = relative(dir, EXAMPLE_MODULE)
    expect(isAbsolute(pipeline)).toBe(false)
    writeFileSync(
      file,
      JSON.stringify({
        pipeline,
        runtimes: {
          eventLog: { plugin: 'memory' },
          clickhouse: { plugin: 'chdb', options: { path: join(dir, 'chdb') } },
          realtimeStore: { plugin: 'memory' },
          deadLetterQueue: { plugin: 'memory' },
          scheduler: { plugin: 'node-cron' },
        },
        speed: { foldThreads: 1 },
        serving: { port: 0, host: '127.0.0.1', graphiql: false },
      }),
    )
    const loaded = await loadConfigFile(file)
    expect(loaded.config.pipeline).toBe(EXAMPLE_MODULE)
    const lines: string[] = []
    twinflow = createTwinflow({ ...loaded, logger: createJsonLogger({ level: 'info', write: (line) => lines.push(line) }) })
    await twinflow.start(['speed'], { connect: ['batch'] })
    const started = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'speed worker started')
    expect(started).toMatchObject({ foldThreads: 1 })
  })
})
