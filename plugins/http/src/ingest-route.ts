import { createHash, randomUUID } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { performance } from 'node:perf_hooks'
import type { Clock, HttpCaller, HttpRoute, Logger } from '@twinflow/core'
import { bodyFormatOf } from './body-format.ts'
import type { HttpSource } from './http-source.ts'
import type { HttpSourceOptions } from './http-source-options.ts'
import { IngestRequest, type RequestResult } from './ingest-request.ts'
import { RateLimits } from './rate-limits.ts'
import { readBody } from './read-body.ts'
import { sendJson } from './send-json.ts'

const CONTENT_LENGTH = /^\d+$/
const IDEMPOTENCY_KEY = /^[\x20-\x7e]{1,255}$/

/**
 * `POST <path>` (`/ingest/<stream>` by default): a body of events (NDJSON, a JSON array or CSV with
 * a header, by Content-Type), answered once they are durable in the log with `{ accepted, rejected:
 * [{ line, reason }], requestId }` (a JSON array's rejected inputs also have their `index`).
 * Refusals, each a JSON `{ error }`, checked before the body is read unless said: 403 without the
 * caller's `ingest` permission for the stream; 503 with `Retry-After` while the source is not
 * running, the log is unavailable, or more than `maxQueuedBytes` wait for it (the requests queued
 * and in a batch, and those being read by their Content-Length); 415 for a content
 * type or encoding it does not read; 413 above `maxBodyBytes` (by Content-Length, or while reading:
 * the connection is then closed); 429 with `Retry-After` over the rate limit; 400 for a bad
 * `Idempotency-Key`, and (once read) an empty body, a CSV header or JSON body it cannot use; 422
 * when an `Idempotency-Key` comes again with another body. A request whose events are not confirmed
 * within `ackTimeoutMs` is answered 503, saying whether they may still be appended.
 * A request with an `Idempotency-Key` that comes again within the window (the same caller, the same
 * body) is answered from the first one's outcome (`replayed: true`), or joins it while it is
 * waiting, or, cut off by a restart halfway, resumes after what the log holds: appended once.
 */
export function ingestRoute(source: HttpSource, options: HttpSourceOptions, clock: Clock, logger: Logger): HttpRoute {
  const path = options.path ?? `/ingest/${source.stream}`
  const limits = options.rateLimit ? new RateLimits(options.rateLimit) : null
  const retryAfter = String(options.retryAfterSeconds)
  /** Bytes of the bodies being read now, by their Content-Length: they count towards maxQueuedBytes. */
  let reading = 0

  const handle = async (req: IncomingMessage, res: ServerResponse, caller: HttpCaller): Promise<void> => {
    const refuse = (status: number, error: string, headers: Record<string, string> = {}) => sendJson(res, status, { error }, headers)
    if (!caller.canIngest(source.stream)) {
      return refuse(403, `"${caller.name}" may not send events into stream "${source.stream}": its API key or token needs the ingest permission for it`)
    }
    const status = source.status()
    if (status !== 'ready') {
      const why = {
        starting: 'the source is starting',
        'log-unavailable': `the log is unavailable (a batch has waited for it over ${options.ackTimeoutMs} ms); nothing was appended`,
        stopped: 'the source stopped (see the server log); nothing was appended',
      }[status]
      return refuse(503, `${why}: retry later`, { 'retry-after': status === 'starting' ? '1' : retryAfter })
    }
    const format = bodyFormatOf(req.headers['content-type'], req.headers['content-encoding'])
    if (!format.ok) return refuse(415, format.reason)
    const length = req.headers['content-length']
    if (length !== undefined && !CONTENT_LENGTH.test(length)) return refuse(400, 'the Content-Length header is not a number', { connection: 'close' })
    if (length !== undefined && Number(length) > options.maxBodyBytes) {
      return refuse(413, `the body is larger than ${options.maxBodyBytes} bytes (maxBodyBytes): send fewer events per request`, { connection: 'close' })
    }
    const key = req.headers['idempotency-key']
    if (key !== undefined && (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key))) {
      return refuse(400, 'the Idempotency-Key header must be 1 to 255 printable ASCII characters (a UUID is a good one)')
    }
    if (limits) {
      const wait = limits.admit(caller.name, clock.now())
      if (wait > 0)
        return refuse(429, `over the rate limit of ${options.rateLimit!.per === 'stream' ? `stream "${source.stream}"` : `"${caller.name}"`}: retry in ${wait} s`, {
          'retry-after': String(wait),
        })
    }
    const declared = Number(length ?? 0)
    if (source.pendingBytes + reading + declared > options.maxQueuedBytes) {
      return refuse(503, `busy: more than ${options.maxQueuedBytes} bytes of requests wait for the log (maxQueuedBytes); retry later`, { 'retry-after': '1' })
    }
    const keyId = key === undefined ? null : createHash('sha256').update(`${caller.name}\u0000${key}`).digest('base64url').slice(0, 22)
    // A keyed request's id is its key's: its dead letters are the same inputs when it is retried.
    const requestId = keyId === null ? randomUUID() : `k-${keyId.slice(0, 16)}`
    res.setHeader('x-request-id', requestId)
    reading += declared
    const read = await readBody(req, format.format, {
      maxBodyBytes: options.maxBodyBytes,
      maxRecordBytes: options.maxRecordBytes,
      hash: keyId !== null,
      positionPrefix: `request ${requestId} line `,
    }).finally(() => (reading -= declared))
    if (!read.ok) {
      if (read.status === 'aborted') return logger.debug('the client went away before its body was read', { requestId, error: read.error })
      return refuse(read.status, read.error, read.status === 413 ? { connection: 'close' } : {})
    }
    const body = read.body
    limits?.charge(caller.name, body.messages.length, clock.now())
    if (body.messages.length === 0) return sendJson(res, 200, { accepted: 0, rejected: [], requestId })
    if (source.status() === 'stopped') return refuse(503, 'the source stopped (see the server log); nothing was appended: retry later', { 'retry-after': retryAfter })
    let request: IngestRequest
    let replayed = false
    const known = keyId === null ? null : source.lookup(keyId)
    if (known !== null) {
      const previous = 'live' in known ? known.live.key! : known.record
      if (previous.body !== body.hash) {
        return refuse(422, 'this Idempotency-Key was used with another body within the idempotency window: use a new key for a new request')
      }
      replayed = true
      if ('live' in known) request = known.live
      else if (known.record.done === known.record.total) {
        const { accepted, rejected, rejectedCount } = known.record
        return answer(res, { kind: 'done', accepted, rejected, rejectedCount }, requestId, true)
      } else {
        // Cut off by a restart halfway (a request larger than a batch): the rest, after what the log holds.
        request = new IngestRequest(requestId, body, { id: keyId!, body: body.hash!, at: known.record.at }, known.record)
        source.enqueue(request)
      }
    } else {
      request = new IngestRequest(requestId, body, keyId === null ? null : { id: keyId, body: body.hash!, at: clock.now() })
      source.enqueue(request)
    }
    const result = await source.wait(request, options.ackTimeoutMs)
    if (result.kind !== 'done') unanswered(requestId, caller.name, result)
    answer(res, result, requestId, replayed)
  }

  // Requests answered 503 for want of the log: one warning per 5 s, with how many there were.
  let failures = 0
  let warnedAt = Number.NEGATIVE_INFINITY
  const unanswered = (requestId: string, caller: string, result: RequestResult) => {
    failures++
    if (performance.now() - warnedAt < 5000) return
    logger.warn('ingest requests answered 503: their events are not confirmed in the log', { requests: failures, last: { requestId, caller, result: result.kind } })
    failures = 0
    warnedAt = performance.now()
  }

  const answer = (res: ServerResponse, result: RequestResult, requestId: string, replayed: boolean) => {
    if (result.kind === 'done') {
      const omitted = result.rejectedCount - result.rejected.length
      return sendJson(
        res,
        200,
        { accepted: result.accepted, rejected: result.rejected, requestId, ...(replayed ? { replayed: true } : {}), ...(omitted > 0 ? { rejectedOmitted: omitted } : {}) },
        replayed ? { 'idempotent-replayed': 'true' } : {},
      )
    }
    const error =
      result.kind === 'unconfirmed'
        ? `the log did not confirm the events within ${options.ackTimeoutMs} ms (ackTimeoutMs): some may still be appended; retry with the same Idempotency-Key to have them appended once`
        : result.why === 'source-stopped'
          ? 'the source stopped before the events were appended (see the server log); nothing was appended: retry later'
          : `the log is unavailable: nothing was appended within ${options.ackTimeoutMs} ms (ackTimeoutMs); retry later`
    sendJson(res, 503, { error, requestId }, { 'retry-after': retryAfter })
  }

  return { method: 'POST', path, handle }
}
