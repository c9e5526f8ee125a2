import { encodeNotification, NOTIFICATION_KINDS, TwinflowError, type Notification, type Sink } from '@twinflow/core'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { sampleAlert, sampleNotifications, sampleReport, sampleViewChanges } from './sample-notifications.ts'

export interface SinkConformanceOptions {
  /**
   * What reached the destination so far, oldest first, as its receiver decodes it (e.g. with
   * `decodeNotification`). Without it, only the lifecycle and the errors are checked.
   */
  readBack?: (sink: Sink) => Promise<readonly Notification[]>
  /**
   * For channels whose receivers are people (email, chat), where a notification does not arrive
   * as data: the ids (idempotency keys) of what reached the destination so far, oldest first, as
   * the receiver sees them (a header, a caption). The suite then checks order, redelivery and
   * concurrency by id; the channel's own tests check what the message shows. Ignored with `readBack`.
   */
  readBackIds?: (sink: Sink) => Promise<readonly string[]>
  /**
   * A channel of the same plugin whose destination cannot be reached (a closed port, a broker that
   * is down): its deliveries must reject with a retriable TwinflowError.
   */
  unreachable?: () => Sink | Promise<Sink>
  /** Per test. @default 20000 */
  timeoutMs?: number
}

const never = new AbortController().signal

/** What the suite compares: the notification as JSON (attachments in base64). */
const comparable = (notifications: readonly Notification[]) => notifications.map((n) => JSON.parse(JSON.stringify(encodeNotification(n))))

/**
 * The behaviour every Sink (notification channel) must have, as a vitest suite (call it at the
 * top level of a spec file): connect → deliver → close, as the contract says. A channel delivers
 * every kind it accepts whole (ids, keys and text in any script, cells, report tables and binary
 * PNG attachments byte for byte), in the order delivered; a notification delivered again arrives
 * with the same id (the receiver's idempotency key) or not at all; concurrent deliveries all
 * arrive; a delivery after close, or with an aborted signal, rejects with a TwinflowError (never
 * drops it silently); an unreachable destination is a retriable error (Twinflow retries with
 * backoff, then dead-letters; see `Channels`).
 */
export function sinkConformance(name: string, makeSink: () => Sink | Promise<Sink>, options: SinkConformanceOptions = {}): void {
  const readBack = options.readBack
  const readIds = options.readBack ? async (sink: Sink) => (await options.readBack!(sink)).map((n) => n.id) : options.readBackIds
  describe(`Sink conformance: ${name}`, { timeout: options.timeoutMs ?? 20_000 }, () => {
    let sink: Sink
    beforeEach(async () => {
      sink = await makeSink()
      await sink.connect()
    })
    afterEach(async () => {
      await sink.close()
    })

    /** Reads back until `count` notifications arrived after `before` (a destination may show them a little later). */
    const arrived = async (before: number, count: number, waitMs = 10_000): Promise<Notification[]> => {
      const deadline = Date.now() + waitMs
      for (;;) {
        const read = (await readBack!(sink)).slice(before)
        if (read.length >= count || Date.now() > deadline) return read
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    const accepted = () => sampleNotifications().filter((n) => sink.accepts.includes(n.kind))

    it('has a name and the kinds it accepts, and closes twice without harm', async () => {
      expect(typeof sink.name).toBe('string')
      expect(sink.name.length).toBeGreaterThan(0)
      expect(sink.accepts.length).toBeGreaterThan(0)
      for (const kind of sink.accepts) expect(NOTIFICATION_KINDS).toContain(kind)
      expect(new Set(sink.accepts).size).toBe(sink.accepts.length)
      await sink.close()
      await sink.close()
      await sink.connect()
    })

    it.skipIf(!readBack)('delivers every kind it accepts in the order delivered, whole, with its id', async () => {
      const before = (await readBack!(sink)).length
      const delivered = accepted()
      for (const n of delivered) await sink.deliver(n, never)
      expect(comparable(await arrived(before, delivered.length))).toEqual(comparable(delivered))
    })

    /** Reads back ids until `count` arrived after `before`. */
    const arrivedIds = async (before: number, count: number, waitMs = 10_000): Promise<string[]> => {
      const deadline = Date.now() + waitMs
      for (;;) {
        const read = (await readIds!(sink)).slice(before)
        if (read.length >= count || Date.now() > deadline) return read
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }

    it.skipIf(readBack || !readIds)('delivers every kind it accepts in the order delivered, each with its id', async () => {
      const before = (await readIds!(sink)).length
      const delivered = accepted()
      for (const n of delivered) await sink.deliver(n, never)
      expect(await arrivedIds(before, delivered.length)).toEqual(delivered.map((n) => n.id))
    })

    it.skipIf(readBack || !readIds)('a notification delivered again arrives with the same id, or not again (by id)', async () => {
      const [first] = accepted()
      await sink.deliver(first!, never)
      const before = (await readIds!(sink)).length
      await sink.deliver(first!, never)
      const again = await arrivedIds(before, 1, 1000)
      expect(again.length).toBeLessThanOrEqual(1)
      for (const id of again) expect(id).toBe(first!.id)
    })

    it.skipIf(!readBack)('a notification delivered again arrives with the same id, or not again', async () => {
      const [first] = accepted()
      await sink.deliver(first!, never)
      const before = (await readBack!(sink)).length
      await sink.deliver(first!, never)
      const again = await arrived(before, 1, 1000)
      expect(again.length).toBeLessThanOrEqual(1)
      for (const n of again) expect(comparable([n])).toEqual(comparable([first!]))
    })

    it.skipIf(!readIds)('concurrent deliveries all arrive', async () => {
      const kind = sink.accepts[0]!
      const make = (i: number): Notification =>
        kind === 'alert'
          ? sampleAlert(`alert-concurrent-${i}`, 'firing', `shop-${i}`)
          : kind === 'report'
            ? sampleReport(`report-concurrent-${i}`)
            : sampleViewChanges(i, 100, 109, `s${i}`, i)
      const many = Array.from({ length: 5 }, (_, i) => make(i))
      const before = (await readIds!(sink)).length
      await Promise.all(many.map((n) => sink.deliver(n, never)))
      const read = await arrivedIds(before, many.length)
      expect([...read].sort()).toEqual(many.map((n) => n.id).sort())
    })

    it('rejects a delivery after close with a TwinflowError instead of dropping it', async () => {
      await sink.close()
      const error = await sink.deliver(accepted()[0]!, never).then(
        () => null,
        (e: unknown) => e,
      )
      expect(TwinflowError.is(error), String(error)).toBe(true)
      await sink.connect()
    })

    it('rejects at once a delivery whose signal is aborted', async () => {
      const abort = new AbortController()
      abort.abort(new TwinflowError('unavailable', 'stopping'))
      const started = Date.now()
      const error = await sink.deliver(accepted()[0]!, abort.signal).then(
        () => null,
        (e: unknown) => e,
      )
      expect(error, 'the delivery resolved').not.toBeNull()
      expect(Date.now() - started).toBeLessThan(2000)
    })

    it.skipIf(!options.unreachable)('an unreachable destination is a retriable TwinflowError', async () => {
      const down = await options.unreachable!()
      await down.connect().catch(() => {})
      try {
        const error = await down.deliver(sampleNotifications().find((n) => down.accepts.includes(n.kind))!, AbortSignal.timeout(10_000)).then(
          () => null,
          (e: unknown) => e,
        )
        expect(TwinflowError.is(error), String(error)).toBe(true)
        expect((error as TwinflowError).retriable).toBe(true)
      } finally {
        await down.close()
      }
    })
  })
}
