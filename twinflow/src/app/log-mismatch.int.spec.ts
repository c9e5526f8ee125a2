import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TOKENS } from '@twinflow/core'
import { generateOrders, onlineStorePipeline } from '@twinflow/example-online-store'
import { createTwinflow } from './create-twinflow.ts'
import { embeddedTestConfig } from '../testing/embedded-config.ts'

describe('a sink whose progress is beyond the log', () => {
  it('fails at start instead of silently skipping the new log’s events', async () => {
    const path = mkdtempSync(join(tmpdir(), 'twinflow-chdb-persist-'))
    const config = () => {
      const c = embeddedTestConfig()
      c.runtimes.clickhouse = { plugin: 'chdb', options: { path } }
      return c
    }
    const first = createTwinflow({ pipeline: onlineStorePipeline, config: config() })
    await first.start(['archiver'])
    const orders = generateOrders(500, { seed: 5, from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) })
    await first.get(TOKENS.EventLog).produce(
      'twinflow.orders',
      orders.map((o) => ({ key: o.orderId, value: Buffer.from(JSON.stringify(o)) })),
    )
    const engine = first.get(TOKENS.BatchEngine)
    const deadline = Date.now() + 20_000
    const archived = async () => [...(await engine.archivedOffsets('orders')).values()].reduce((a, b) => a + b + 1, 0)
    while ((await archived()) < 500 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(await archived()).toBe(500)
    await first.stop()

    // Same master tables (persistent chdb directory), but a new, empty embedded log.
    const second = createTwinflow({ pipeline: onlineStorePipeline, config: config() })
    await expect(second.start(['archiver'])).rejects.toThrow(/the archiver recorded progress up to offset \d+ of twinflow\.orders\[\d\], but the log ends at 0/)
    await second.stop()
  })
})
