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
import { pollVisible } from './poll-visible.ts'

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

const poll = await pollVisible(url, options.graphql.query, options.graphql.pollMs, emit)

process.once('SIGTERM', () => {
  void Promise.allSettled([poll.stop(), receiver.stop()]).then(() => process.exit(0))
})
