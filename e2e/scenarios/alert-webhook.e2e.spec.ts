import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import type { AlertNotification } from '@twinflow/core'
import { WebhookReceiver } from '@twinflow/plugin-webhook'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { ALERTING_PIPELINE_MODULE, requests, sleep, Stack, type TwinflowProcess } from '../src/harness/index.ts'

// The alert role end to end: events that break a rule are produced to Kafka; the speed layer applies
// them to Redis; the alert role (one process with the speed and serve roles) evaluates the rule on
// the merged answer and POSTs a signed notification to a webhook receiver this test runs, which
// verifies every signature and timestamp. The process is killed (SIGKILL) and started again while
// the alert fires: the state in Redis makes it neither repeat the firing nor forget it, and the
// recovery is told once.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE'])
const SECRET = 'e2e-webhook-secret-0123456789'

describe.skipIf(env.skip)('scenario: an alert to a signed webhook, across a SIGKILL', { timeout: 300_000 }, () => {
  let stack: Stack
  let receiver: WebhookReceiver
  let config: string
  let twinflow: TwinflowProcess

  beforeAll(async () => {
    ;[stack, receiver] = await Promise.all([Stack.start({ images: env.images }), WebhookReceiver.start({ secret: SECRET })])
    config = stack.writeConfig({
      pipeline: ALERTING_PIPELINE_MODULE,
      sinks: [{ plugin: 'webhook', name: 'ops', kinds: ['alert'], options: { url: receiver.url, secret: SECRET }, delivery: { retries: 5, initialDelayMs: 200 } }],
      alerts: { rules: { slowService: { channels: ['ops'] } }, pollIntervalMs: 100, intervalMs: 2000, leaseTtlMs: 3000 },
    })
    twinflow = await stack.startRole('speed,serve,alert', config, 'twinflow-1')
  }, 300_000)

  afterAll(async () => {
    await Promise.allSettled([stack?.stop(), receiver?.stop()])
  }, 120_000)

  const alerts = () => receiver.received.map((r) => r.notification).filter((n): n is AlertNotification => n.kind === 'alert')
  const told = () => alerts().map((n) => `${n.alert.state} ${n.alert.group.service} #${n.alert.sequence}`)
  async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(told())}`)
      await sleep(100)
    }
  }
  const produce = (service: string, latencyMs: number, n: number) => {
    const now = Date.now()
    return stack.produce(
      requests.topic,
      Array.from({ length: n }, (_, i) => ({ service, latencyMs, ts: now - 1000 + i })),
    )
  }

  it('tells the firing once, keeps quiet across a SIGKILL and a restart, and tells the recovery once', async () => {
    onTestFailed(() => console.error(`${stack.report()}\nreceived: ${JSON.stringify(told())}\nrefused: ${JSON.stringify(receiver.refused)}`))
    await produce('checkout', 20, 200)
    await produce('checkout', 5000, 60)
    await until(() => alerts().length >= 1, 'the firing')
    expect(told()).toEqual(['firing checkout #1'])
    const [firing] = alerts()
    expect(firing!.alert).toMatchObject({ rule: 'slowService', view: 'latency', measure: 'avgLatencyMs', threshold: 1000 })
    expect(firing!.alert.value).toBeCloseTo((200 * 20 + 60 * 5000) / 260, 6)
    expect(receiver.received[0]!.headers['webhook-id']).toBe(firing!.id)

    // Killed while the alert fires: no shutdown, no lease released.
    twinflow.signal('SIGKILL')
    await twinflow.exited
    await produce('checkout', 5000, 10)
    twinflow = await stack.startRole('speed,serve,alert', config, 'twinflow-2')
    // The new process takes the lease once the killed one's expires (3 s), and finds the state firing.
    await twinflow.waitForOutput(/now evaluates the alerts/, 30_000)
    await sleep(5000)
    expect(told()).toEqual(['firing checkout #1'])

    // Recovery: enough fast requests bring the average under a second.
    await produce('checkout', 10, 3000)
    await until(() => alerts().length >= 2, 'the resolve')
    await sleep(3000)
    expect(told()).toEqual(['firing checkout #1', 'resolved checkout #2'])
    const [, resolved] = alerts()
    expect(resolved!.alert).toMatchObject({ state: 'resolved', firedAt: firing!.alert.firedAt })
    expect(resolved!.alert.value).toBeLessThan(1000)
    expect(receiver.refused).toEqual([])
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id'])).size).toBe(receiver.received.length)

    const [, url] = await twinflow.waitForOutput(/GraphQL: (http:\/\/\S+)/, 10_000)
    const response = await fetch(url!, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ pipeline { alerts { name enabled channels states { state group { name value } notifications } } } }' }),
    })
    const { data } = (await response.json()) as { data: { pipeline: { alerts: unknown[] } } }
    expect(data.pipeline.alerts).toEqual([
      { name: 'slowService', enabled: true, channels: ['ops'], states: [{ state: 'RESOLVED', group: [{ name: 'service', value: 'checkout' }], notifications: 2 }] },
    ])
  })
})
