import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { TOKENS } from '@twinflow/core'
import { generateOrders, onlineStorePipeline } from '@twinflow/example-online-store'
import { createTwinflow } from './create-twinflow.ts'
import { embeddedTestConfig } from '../testing/embedded-config.ts'
import { graphqlRequest } from '../testing/graphql-request.ts'

describe('dead-letter counts in pipeline introspection', () => {
  it('a serve-only process reports what the archiver rejected, though it never saw those letters', async () => {
    const path = mkdtempSync(join(tmpdir(), 'twinflow-chdb-dlq-'))
    const config = () => {
      const c = embeddedTestConfig()
      c.runtimes.clickhouse = { plugin: 'chdb', options: { path } }
      return c
    }
    const archiver = createTwinflow({ pipeline: onlineStorePipeline, config: config() })
    await archiver.start(['archiver'])
    const orders = generateOrders(200, { seed: 9, from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) })
    const poison = ['{"orderId": ', '[]', JSON.stringify({ ...orders[0], status: 'lost' }), '{"ts": NaN}']
    await archiver.get(TOKENS.EventLog).produce(
      'twinflow.orders',
      [...orders.map((o) => JSON.stringify(o)), ...poison].map((v) => ({ value: Buffer.from(v) })),
    )
    const engine = archiver.get(TOKENS.BatchEngine)
    const deadline = Date.now() + 20_000
    const archived = async () => [...(await engine.archivedOffsets('orders')).values()].reduce((a, b) => a + b + 1, 0)
    while ((await archived()) < orders.length + poison.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    await archiver.stop()

    const serve = createTwinflow({ pipeline: onlineStorePipeline, config: config() })
    await serve.start(['serve'])
    try {
      const res = await graphqlRequest(serve.url!, '{ pipeline { deadLetters { stream stage count } streams { name deadLetterCount } } }')
      expect(res.errors).toBeUndefined()
      expect(res.data!.pipeline.deadLetters).toEqual([{ stream: 'orders', stage: 'archiver', count: poison.length }])
      expect(res.data!.pipeline.streams).toEqual([
        { name: 'orders', deadLetterCount: poison.length },
        { name: 'pageViews', deadLetterCount: 0 },
      ])
    } finally {
      await serve.stop()
    }
  })
})
