import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { parseConfig } from '../config/parse-config.ts'
import type { TwinflowConfigInput } from '../config/twinflow-config.ts'
import { embeddedTestConfig } from '../testing/embedded-config.ts'
import { createTwinflow } from './create-twinflow.ts'
import { alertingPipeline } from './testing/alerting-pipeline.ts'

const pager = { plugin: 'memory', name: 'pager', kinds: ['alert' as const] }

/** What starting the alert role with this config fails with (`twinflow check` says the same). */
async function startFailure(overrides: Partial<TwinflowConfigInput>): Promise<unknown> {
  const twinflow = createTwinflow({ pipeline: alertingPipeline, config: embeddedTestConfig(overrides) })
  const checked = await twinflow.validate().then(
    () => null,
    (e: unknown) => e,
  )
  const started = await twinflow.start(['alert']).then(
    () => null,
    (e: unknown) => e,
  )
  await twinflow.stop()
  expect(String(started)).toBe(String(checked))
  return started
}

describe('alert config errors fail at start, saying what to fix', () => {
  it('a rule that is not declared', async () => {
    const error = await startFailure({ sinks: [pager], alerts: { rules: { bigshop: { channels: ['pager'] } } } })
    expect(TwinflowError.is(error, 'config')).toBe(true)
    expect((error as Error).message).toBe('alerts.rules.bigshop: no alert rule "bigshop" is declared in the pipeline; declared: bigShop, quiet, anyRevenue')
  })

  it('a channel that is not configured, or takes no alert notifications', async () => {
    const unknown = await startFailure({ sinks: [pager], alerts: { rules: { bigShop: { channels: ['pagr'] } } } })
    expect((unknown as Error).message).toBe('alerts.rules.bigShop.channels: no channel (sink) is named "pagr"; channels: pager')
    const changesOnly = await startFailure({ sinks: [{ plugin: 'memory', name: 'feed', kinds: ['view-changes'] }], alerts: { rules: { quiet: { channels: ['feed'] } } } })
    expect((changesOnly as Error).message).toBe('alerts.rules.quiet.channels: channel "feed" does not take alert notifications; it takes: view-changes (sinks[0].kinds)')
  })

  it('bad options: durations, kinds', () => {
    const parse = (input: Partial<TwinflowConfigInput>) => () => parseConfig(input as TwinflowConfigInput, { dataDir: '/tmp/unused' })
    expect(parse({ alerts: { pollIntervalMs: '100ms' as never } })).toThrow(/alerts\.pollIntervalMs/)
    expect(parse({ alerts: { leaseTtlMs: 10 } })).toThrow(/alerts\.leaseTtlMs/)
    expect(parse({ alerts: { rules: { quiet: { channel: 'pager' } as never } } })).toThrow(/alerts\.rules\.quiet/)
    expect(parse({ sinks: [{ plugin: 'memory', kinds: ['sms' as never] }] })).toThrow(/sinks\.0\.kinds/)
    expect(parse({ sinks: [{ plugin: 'memory', delivery: { retries: -1 } }] })).toThrow(/sinks\.0\.delivery\.retries/)
  })

  it('starts with the rules off when the config names none, listing them as not enabled', async () => {
    const twinflow = createTwinflow({ pipeline: alertingPipeline, config: embeddedTestConfig() })
    try {
      await twinflow.start(['serve', 'alert'])
      const res = await fetch(twinflow.url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ pipeline { alerts { name enabled } } }' }),
      })
      expect((await res.json()).data.pipeline.alerts).toEqual([
        { name: 'bigShop', enabled: false },
        { name: 'quiet', enabled: false },
        { name: 'anyRevenue', enabled: false },
      ])
    } finally {
      await twinflow.stop()
    }
  })
})
