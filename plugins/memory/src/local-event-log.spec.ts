import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createJsonLogger, systemClock } from '@twinflow/core'
import { eventLogConformance } from '@twinflow/testing/conformance'
import { afterAll, beforeEach } from 'vitest'
import { LocalEventLog } from './local-event-log.ts'

const logger = createJsonLogger({ level: 'silent' })
const fastRetry = { retries: 3, initialDelayMs: 5, maxDelayMs: 20 }
const root = mkdtempSync(join(tmpdir(), 'twinflow-local-log-'))
afterAll(() => rmSync(root, { recursive: true, force: true }))

// A fresh directory per test (this hook runs before the suite's own): the logs of one test share it.
let dir = ''
let dirs = 0
beforeEach(() => {
  dir = join(root, `conformance-${++dirs}`)
})
eventLogConformance('local', () => new LocalEventLog({ dir, retry: fastRetry }, { clock: systemClock, logger }), { durable: true })
