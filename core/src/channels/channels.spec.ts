import { describe, expect, it } from 'vitest'
import {
  Channels,
  count,
  createJsonLogger,
  definePipeline,
  defineStream,
  defineView,
  sum,
  t,
  TwinflowError,
  type Clock,
  type DeadLetter,
  type DeadLetterQueue,
  type Notification,
  type NotificationKind,
  type Sink,
} from '../index.ts'

const stream = defineStream('orders', { shop: t.string(), cents: t.int64(), ts: t.eventTime() })
const view = defineView('revenue', stream, { groupBy: (o) => ({ shop: o.shop }), window: '1h', measures: (o) => ({ n: count(), cents: sum(o.cents) }) })
const pipeline = definePipeline({ streams: [stream], views: [view] })

/** A clock whose sleeps return at once and are recorded (the backoff's delays). */
function recordingClock(): Clock & { waits: number[] } {
  const waits: number[] = []
  return { waits, now: () => 1_000, sleep: async (ms) => void waits.push(ms) }
}

/** A channel that fails as scripted (an error per attempt, then succeeds) and records what it got. */
class ScriptedSink implements Sink {
  readonly got: Notification[] = []
  readonly script: unknown[] = []
  hang = false
  constructor(
    readonly name: string,
    readonly accepts: readonly NotificationKind[] = ['view-changes', 'alert', 'report'],
  ) {}
  async connect(): Promise<void> {}
  async close(): Promise<void> {}
  async deliver(notification: Notification): Promise<void> {
    if (this.hang) return new Promise(() => {})
    if (this.script.length > 0) throw this.script.shift()
    this.got.push(notification)
  }
}

class RecordingQueue implements Pick<DeadLetterQueue, 'write'> {
  readonly letters: DeadLetter[] = []
  failures = 0
  async write(letters: readonly DeadLetter[]): Promise<void> {
    if (this.failures-- > 0) throw new TwinflowError('unavailable', 'queue down')
    this.letters.push(...letters)
  }
}

const alert = (id: string): Notification => ({
  kind: 'alert',
  id,
  createdAt: 1,
  alert: {
    rule: 'drop',
    view: 'revenue',
    measure: 'cents',
    state: 'firing',
    group: { shop: 'a' },
    value: 1,
    threshold: 2,
    condition: 'cents below 2',
    range: { from: 0, to: 1 },
    activeSince: 0,
    firedAt: 0,
    resolvedAt: null,
    evaluatedAt: 0,
    sequence: 1,
  },
})

function channels(sinks: Sink[], options: { retries?: number; attemptTimeoutMs?: number; kinds?: Record<string, NotificationKind[]> } = {}) {
  const clock = recordingClock()
  const queue = new RecordingQueue()
  const lines: string[] = []
  const c = new Channels({
    sinks,
    settings: (sink) => ({
      kinds: options.kinds?.[sink.name] ?? sink.accepts,
      delivery: { retries: options.retries ?? 3, initialDelayMs: 100, maxDelayMs: 250, attemptTimeoutMs: options.attemptTimeoutMs ?? 5_000 },
      where: `sinks[${sinks.indexOf(sink)}]`,
    }),
    deadLetters: queue as unknown as DeadLetterQueue,
    pipeline,
    clock,
    logger: createJsonLogger({ level: 'debug', write: (line) => lines.push(line) }),
  })
  return { c, clock, queue, lines }
}

describe('Channels', () => {
  it('retries a failing channel with growing delays until it delivers; other channels are not held up', async () => {
    const flaky = new ScriptedSink('flaky')
    const fine = new ScriptedSink('fine')
    flaky.script.push(new TwinflowError('unavailable', '503'), new Error('socket hang up'))
    const { c, clock, queue } = channels([flaky, fine])
    const outcomes = await c.send(alert('a1'))
    expect(outcomes).toEqual([
      { channel: 'flaky', kind: 'alert', status: 'delivered', attempts: 3 },
      { channel: 'fine', kind: 'alert', status: 'delivered', attempts: 1 },
    ])
    expect(flaky.got.map((n) => n.id)).toEqual(['a1'])
    expect(clock.waits).toHaveLength(2)
    expect(clock.waits[1]!).toBeGreaterThan(clock.waits[0]!)
    expect(queue.letters).toEqual([])
    expect(c.counts()).toEqual(
      expect.arrayContaining([
        { channel: 'flaky', kind: 'alert', outcome: 'failed-attempt', count: 2 },
        { channel: 'flaky', kind: 'alert', outcome: 'delivered', count: 1 },
      ]),
    )
  })

  it('dead-letters after the last attempt, files it under the view’s stream, and never throws at the sender', async () => {
    const down = new ScriptedSink('down')
    for (let i = 0; i < 4; i++) down.script.push(new TwinflowError('unavailable', `refused ${i}`))
    const { c, queue, lines } = channels([down])
    const [outcome] = await c.send(alert('a2'))
    expect(outcome).toMatchObject({ channel: 'down', status: 'dead-lettered', attempts: 4 })
    expect(queue.letters).toHaveLength(1)
    const letter = queue.letters[0]!
    expect(letter).toMatchObject({ stream: 'orders', stage: 'channel:down', at: 1_000 })
    expect(letter.reason).toMatch(/^undeliverable: delivery to channel "down" failed after 4 attempts: refused 3/)
    expect(JSON.parse(letter.payload.toString())).toMatchObject({ kind: 'alert', id: 'a2' })
    expect(lines.some((l) => l.includes('"level":"error"') && l.includes('dead-letter'))).toBe(true)
  })

  it('sends a non-retriable refusal to the dead letter at once', async () => {
    const refusing = new ScriptedSink('refusing')
    refusing.script.push(new TwinflowError('validation', '400 bad request'))
    const { c, clock, queue } = channels([refusing])
    const [outcome] = await c.send(alert('a3'))
    expect(outcome).toMatchObject({ status: 'dead-lettered', attempts: 1 })
    expect(clock.waits).toEqual([])
    expect(queue.letters[0]!.reason).toBe('undeliverable: 400 bad request')
  })

  it('gives a failing channel one attempt per notification until one is delivered', async () => {
    const down = new ScriptedSink('down')
    for (let i = 0; i < 5; i++) down.script.push(new TwinflowError('unavailable', 'refused'))
    const { c, clock } = channels([down], { retries: 3 })
    expect((await c.send(alert('b1')))[0]).toMatchObject({ status: 'dead-lettered', attempts: 4 })
    expect((await c.send(alert('b2')))[0]).toMatchObject({ status: 'dead-lettered', attempts: 1 })
    expect(clock.waits).toHaveLength(3)
    expect((await c.send(alert('b3')))[0]).toMatchObject({ status: 'delivered', attempts: 1 })
    down.script.push(new TwinflowError('unavailable', 'blip'))
    expect((await c.send(alert('b4')))[0]).toMatchObject({ status: 'delivered', attempts: 2 })
  })

  it('aborts an attempt that takes longer than attemptTimeoutMs, and retries it', async () => {
    const slow = new ScriptedSink('slow')
    slow.hang = true
    const { c, queue } = channels([slow], { retries: 1, attemptTimeoutMs: 50 })
    const [outcome] = await c.send(alert('c1'))
    expect(outcome).toMatchObject({ status: 'dead-lettered', attempts: 2 })
    expect(queue.letters[0]!.reason).toMatch(/no answer within 50 ms/)
  })

  it('rejects, dead-lettering nothing, when the sender aborts; and when the dead letter cannot be written either', async () => {
    const down = new ScriptedSink('down')
    down.hang = true
    const { c, queue } = channels([down], { retries: 0, attemptTimeoutMs: 30 })
    const abort = new AbortController()
    const sending = c.send(alert('d1'), { signal: abort.signal })
    abort.abort(new Error('stopping'))
    await expect(sending).rejects.toThrow('stopping')
    expect(queue.letters).toEqual([])
    queue.failures = 10
    await expect(c.send(alert('d2'))).rejects.toSatisfy((e) => TwinflowError.is(e, 'unavailable') && /nor dead-lettered/.test((e as Error).message))
  })

  it('routes by kind and by name, and says what to fix in config', () => {
    const hook = new ScriptedSink('hook', ['alert', 'view-changes'])
    const feed = new ScriptedSink('feed', ['view-changes'])
    const { c } = channels([hook, feed], { kinds: { hook: ['alert'] } })
    expect(c.taking('alert')).toEqual(['hook'])
    expect(c.taking('view-changes')).toEqual(['feed'])
    expect(c.taking('report')).toEqual([])
    expect(() => c.check(['hook'], 'alert', 'alerts.rules.drop.channels')).not.toThrow()
    expect(() => c.check(['pager'], 'alert', 'alerts.rules.drop.channels')).toThrow('alerts.rules.drop.channels: no channel (sink) is named "pager"; channels: hook, feed')
    expect(() => c.check(['feed'], 'alert', 'alerts.rules.drop.channels')).toThrow(
      'alerts.rules.drop.channels: channel "feed" does not take alert notifications; it takes: view-changes (sinks[1].kinds)',
    )
    expect(() => channels([feed], { kinds: { feed: ['report'] } })).toThrow('sinks[0].kinds: channel "feed" cannot deliver report; it delivers: view-changes')
    expect(() => channels([feed, new ScriptedSink('feed')])).toThrow('two channels (sinks) are named "feed"')
  })
})
