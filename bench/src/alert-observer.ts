/**
 * The alert-latency scenario's observer, in a process of its own so that neither of its clocks
 * waits on the producer's work: a GraphQL poller of the probe shop's count (when each probe is
 * visible in the API: freshness) and a webhook receiver that verifies each signature (when the
 * alert each probe breaks is told). Both see the same probes on the same machine clock
 * (`Date.now()`, as the producer stamps them), so the difference of their p99s is what the alert
 * role adds to the API's freshness.
 *
 *   node --import tsx bench/src/alert-observer.ts '<json AlertObserverOptions>'
 *
 * Prints JSON lines: `{"ready":true,"visible":n,"url":"<webhook url>"}`, then `{"visible":id,"at":ms}`
 * and `{"alerted":id,"at":ms}` (a probe's alert firing). Stops on SIGTERM.
 */
import { WebhookReceiver } from '@twinflow/plugin-webhook'

export interface AlertObserverOptions {
  /** The webhook's signing secret. */
  secret: string
  /** The prefix of the probe shops: `<prefix><id>` is probe id's alert group. */
  probePrefix: string
  /** The GraphQL endpoint, and the query whose number is the count of probes visible; null until the serve role runs (a second line on stdin gives it). */
  graphql: { query: string; pollMs: number }
}

const options = JSON.parse(process.argv[2] ?? '') as AlertObserverOptions
const emit = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`)

const receiver = await WebhookReceiver.start({ secret: options.secret })
receiver.onReceive(({ notification, receivedAt }) => {
  if (notification.kind !== 'alert' || notification.alert.state !== 'firing') return
  const shop = String(notification.alert.group.shop ?? '')
  if (shop.startsWith(options.probePrefix)) emit({ alerted: Number(shop.slice(options.probePrefix.length)), at: receivedAt })
})
emit({ url: receiver.url })

// The GraphQL URL comes on stdin once the serve role printed it.
const url = await new Promise<string>((resolve) => {
  let buffer = ''
  process.stdin.on('data', (chunk: Buffer) => {
    buffer += chunk.toString()
    const line = buffer.split('\n')[0]
    if (buffer.includes('\n') && line) resolve(line.trim())
  })
})

let running = true
let seen = await visibleCount()
emit({ ready: true, visible: seen })
const polling = (async () => {
  while (running) {
    const count = await visibleCount()
    const at = Date.now()
    for (let id = seen; id < count; id++) emit({ visible: id, at })
    seen = Math.max(seen, count)
    await new Promise((r) => setTimeout(r, options.graphql.pollMs))
  }
})()

process.once('SIGTERM', () => {
  running = false
  void Promise.allSettled([polling, receiver.stop()]).then(() => process.exit(0))
})

async function visibleCount(): Promise<number> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: options.graphql.query }) })
  const body = (await res.json()) as { data?: Record<string, { rows: { count: number }[] }>; errors?: unknown }
  if (!body.data) throw new Error(`the probe query failed: ${JSON.stringify(body.errors)}`)
  return Object.values(body.data)[0]!.rows.reduce((n, r) => n + r.count, 0)
}
