import { afterEach, describe, expect, it } from 'vitest'
// Public entry points only, as a plugin author would use them.
import { definePlugin, emptyCells, END_OF_INPUT, finalizeRow, mergeCells, TwinflowError, type CellValue, type FencedBatch, type Sink, type Source } from '@twinflow/core'
import { generateOrders, onlineStorePipeline, referenceAggregate, referenceSpecs, sortRows, shopRevenue } from '@twinflow/example-online-store'
import { createTwinflow, type Twinflow } from 'twinflow'
import { embeddedTestConfig } from '../testing/embedded-config.ts'

/** A third-party source: replays a fixed list of payloads in batches, then ends. */
const arraySource = definePlugin({
  kind: 'source',
  name: 'array',
  description: 'replays payloads given in the options',
  parseOptions: (raw) => {
    const o = raw as { stream?: unknown; payloads?: unknown; batchSize?: unknown }
    if (typeof o.stream !== 'string') throw new TwinflowError('config', 'options.stream must be a stream name')
    if (!Array.isArray(o.payloads)) throw new TwinflowError('config', 'options.payloads must be an array of strings')
    return { stream: o.stream, payloads: o.payloads as string[], batchSize: typeof o.batchSize === 'number' ? o.batchSize : 100 }
  },
  create: (options, ctx): Source => {
    let next = 0
    return {
      name: ctx.instanceName,
      stream: options.stream,
      connect: async () => {},
      close: async () => {},
      read: async () => {
        if (next >= options.payloads.length) return END_OF_INPUT
        const chunk = options.payloads.slice(next, next + options.batchSize)
        return { messages: chunk.map((value) => ({ value })), ack: async () => void (next += chunk.length) }
      },
    }
  },
})

/** A third-party channel of view changes: keeps every applied batch in memory (exported to the test by name). */
const received = new Map<string, FencedBatch[]>()
const collectingSink = definePlugin({
  kind: 'sink',
  name: 'collect',
  description: 'collects applied deltas',
  parseOptions: () => ({}),
  create: (_options, ctx): Sink => {
    const batches: FencedBatch[] = []
    received.set(ctx.instanceName, batches)
    return {
      name: ctx.instanceName,
      accepts: ['view-changes'],
      connect: async () => {},
      close: async () => {},
      deliver: async (notification) => void (notification.kind === 'view-changes' && batches.push(notification.batch)),
    }
  },
})

describe('third-party plugins through the public API', () => {
  let twinflow: Twinflow | undefined
  afterEach(async () => {
    await twinflow?.stop()
    twinflow = undefined
  })

  it('a custom source feeds the pipeline and a custom sink sees every change exactly', async () => {
    const orders = generateOrders(2000, { seed: 7, from: Date.UTC(2026, 0, 1), to: Date.UTC(2026, 0, 2) })
    const config = embeddedTestConfig({
      sources: [{ plugin: 'array', name: 'replay', options: { stream: 'orders', payloads: orders.map((o) => JSON.stringify(o)), batchSize: 150 } }],
      sinks: [{ plugin: 'collect', name: 'audit' }],
    })
    twinflow = createTwinflow({ pipeline: onlineStorePipeline, config, plugins: [arraySource, collectingSink] })
    await twinflow.start(['ingest', 'speed'])
    const truth = referenceAggregate(orders, referenceSpecs.shopRevenue)
    const fromSink = () => {
      // Merge the sink's deltas by the view's monoids; at-least-once delivery is fenced by offsets.
      const seen = new Set<string>()
      const groups = new Map<string, { windowStart: number; keys: (string | number | boolean | null)[]; cells: CellValue[] }>()
      for (const batch of received.get('audit') ?? []) {
        const fence = `${batch.partition}:${batch.firstOffset}:${batch.lastOffset}`
        if (seen.has(fence)) continue
        seen.add(fence)
        for (const d of batch.deltas.filter((d) => d.view === 'shopRevenue')) {
          const id = JSON.stringify([d.windowStart, d.keys])
          let g = groups.get(id)
          if (!g) groups.set(id, (g = { windowStart: d.windowStart, keys: d.keys, cells: emptyCells(shopRevenue) }))
          mergeCells(shopRevenue, g.cells, d.cells)
        }
      }
      return sortRows(
        [...groups.values()].map((g) => {
          const row = finalizeRow(shopRevenue, g)
          return { ...row, windowStart: new Date(g.windowStart).toISOString() }
        }),
      )
    }
    const deadline = Date.now() + 20_000
    while (JSON.stringify(fromSink()) !== JSON.stringify(truth) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
    expect(fromSink()).toEqual(truth)
  })

  it('an unknown plugin fails at start with the names that exist', () => {
    const config = embeddedTestConfig({ sinks: [{ plugin: 'pager' }] })
    expect(() => createTwinflow({ pipeline: onlineStorePipeline, config, plugins: [collectingSink] })).toThrow(
      'unknown sink plugin "pager"; registered sink plugins: memory, email, telegram, webhook, kafka, collect',
    )
  })

  it('bad plugin options fail at start, naming the config entry to fix', () => {
    const config = embeddedTestConfig({ sources: [{ plugin: 'array', options: { stream: 'orders', payloads: 'nope' } }] })
    expect(() => createTwinflow({ pipeline: onlineStorePipeline, config, plugins: [arraySource] })).toThrow(
      'sources[0] (source plugin "array"): options.payloads must be an array of strings',
    )
  })
})
