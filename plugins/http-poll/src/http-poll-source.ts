import { type Clock, END_OF_INPUT, type Logger, type ScheduledTask, type Scheduler, type Source, type SourceBatch, type SourceMessage, TwinflowError } from '@twinflow/core'
import type { HttpPollOptions } from './http-poll-options.ts'
import { filterIncremental, type IncrementalRule } from './incremental-filter.ts'
import { compileJsonPath, type JsonPath } from './json-path.ts'
import { linkOf } from './link-header.ts'
import { decodePollCheckpoint, encodePollCheckpoint, type NextPage, type PollCheckpoint } from './poll-checkpoint.ts'
import { type JsonAnswer, redact, requestJson } from './request-json.ts'

/** What the source has done since it started (also in its log lines). */
export interface HttpPollStats {
  /** Polls completed. */
  polls: number
  /** Requests sent, retries included. */
  requests: number
  /** Requests that failed (an error status, a timeout, a body that is not JSON or has no records array...). */
  failedRequests: number
  /** Polls that stopped after their retries (they go on from the same page at the next scheduled time). */
  failedPolls: number
  /** First requests answered 304 Not Modified. */
  notModified: number
}

interface PageRequest {
  url: string
  /** What identifies the request without secrets: the validators' key. */
  key: string
}

/**
 * The `http-poll` source: polls a JSON API on a schedule (every `intervalMs`, the first poll at
 * once, or on `cron` through the process's scheduler). A poll reads the pages of the answer
 * (by cursor, Link header or page number), each page one batch whose checkpoint says where the
 * poll goes on, so a restart resumes at the page after the last in the log. Requests are spaced by
 * `maxRequestsPerSecond`; a network error, a timeout, a 408, 425, 429 or 5xx, a body that is not
 * JSON or has no array at `recordsPath` is retried with exponential backoff (at least what a
 * `Retry-After` asks), counted and logged; once the retries are spent, the poll waits for the next
 * scheduled time and goes on from the same page. It never throws for what the API answers.
 *
 * Delivery: without `incremental`, each poll delivers what the API answers (a record still in the
 * answer comes again at the next poll, unless a conditional request gets a 304); with it, each
 * record once per value of its cursor field (see filterIncremental).
 */
export class HttpPollSource implements Source {
  readonly stats: HttpPollStats = { polls: 0, requests: 0, failedRequests: 0, failedPolls: 0, notModified: 0 }
  readonly #records: JsonPath
  readonly #cursor: JsonPath | null
  readonly #incremental: IncrementalRule | null
  readonly #conditional: boolean
  #committed: PollCheckpoint = decodePollCheckpoint(null, '')
  #state: PollCheckpoint = this.#committed
  #pending = false
  /** The last request of the current page failed after its retries: wait for the schedule first. */
  #failed = false
  #lastPollAt = Number.NEGATIVE_INFINITY
  #nextRequestAt = 0
  #task: ScheduledTask | null = null
  #due = false
  #wake: (() => void) | null = null
  #overflowWarned = false
  readonly checkpointInputs: readonly { input: string; option: string }[]

  constructor(
    readonly name: string,
    readonly stream: string,
    private readonly options: HttpPollOptions,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly scheduler: Scheduler | null,
  ) {
    if (options.cron !== undefined && scheduler === null) throw new TwinflowError('config', `source "${name}": cron needs a scheduler`)
    this.#records = compileJsonPath(options.recordsPath)
    this.#cursor = options.pagination.type === 'cursor' ? compileJsonPath(options.pagination.path) : null
    const inc = options.incremental
    this.#incremental = inc ? { field: compileJsonPath(inc.field), key: inc.key === undefined ? null : compileJsonPath(inc.key), maxKeys: inc.maxKeys } : null
    this.#conditional = options.conditional ?? options.pagination.type === 'none'
    // A cursor at a record's top level may be a field of the stream (a nested one is no field).
    const steps = this.#incremental?.field.steps
    this.checkpointInputs = steps?.length === 1 && typeof steps[0] === 'string' ? [{ input: steps[0], option: 'incremental.field' }] : []
  }

  async connect(checkpoint: string | null): Promise<void> {
    this.#committed = decodePollCheckpoint(checkpoint, this.name)
    this.#state = this.#committed
    this.#pending = false
    this.#failed = false
    await this.#task?.stop()
    this.#task = null
    if (this.options.cron !== undefined) {
      this.#task = this.scheduler!.schedule(`source ${this.name}`, this.options.cron, async () => {
        this.#due = true
        this.#wake?.()
      })
    }
  }

  async close(): Promise<void> {
    const task = this.#task
    this.#task = null
    await task?.stop()
    this.#wake?.()
  }

  async read(signal: AbortSignal): Promise<SourceBatch | typeof END_OF_INPUT> {
    if (this.#pending) {
      // The last page was not acked: read it again.
      this.#state = this.#committed
      this.#pending = false
    }
    for (;;) {
      signal.throwIfAborted()
      const state = this.#state
      if (state.next === null) {
        if (this.options.maxPolls !== undefined && state.polls >= this.options.maxPolls) return END_OF_INPUT
        await this.#scheduled(signal)
        const first: NextPage = this.options.pagination.type === 'page' ? { index: 0, page: this.options.pagination.start } : { index: 0 }
        this.#state = { ...state, next: first, high: state.since }
        continue
      }
      if (this.#failed) {
        await this.#scheduled(signal)
        this.#failed = false
      }
      const request = this.#requestOf(state)
      try {
        const { answer, records } = await this.#fetch(request, state, signal)
        return this.#batch(state, request, answer, records)
      } catch (error) {
        if (signal.aborted) throw signal.reason
        this.stats.failedPolls++
        this.#failed = true
        this.logger.error('poll failed after its retries; it goes on from the same page at the next scheduled time', {
          url: redact(request.url),
          page: state.next.index + 1,
          reason: error instanceof Error ? error.message : String(error),
          failedPolls: this.stats.failedPolls,
          failedRequests: this.stats.failedRequests,
        })
      }
    }
  }

  /** Waits for the next poll time: `intervalMs` after the last poll started (at once the first time), or the next cron tick. */
  async #scheduled(signal: AbortSignal): Promise<void> {
    if (this.options.cron === undefined) {
      const wait = this.#lastPollAt + (this.options.intervalMs ?? 60_000) - this.clock.now()
      if (wait > 0) await this.clock.sleep(wait, signal)
      this.#lastPollAt = this.clock.now()
      return
    }
    while (!this.#due) {
      if (this.#task === null) throw new TwinflowError('internal', `source "${this.name}" is closed`)
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(signal.reason)
        signal.addEventListener('abort', onAbort, { once: true })
        this.#wake = () => {
          signal.removeEventListener('abort', onAbort)
          resolve()
        }
      })
      this.#wake = null
    }
    this.#due = false
  }

  /** The URL of the state's next page: the options' URL and query, the incremental and page parameters, or the server's next link. */
  #requestOf(state: PollCheckpoint): PageRequest {
    const next = state.next!
    const { pagination, incremental } = this.options
    const key = JSON.stringify([state.since?.value ?? null, next.page ?? null, next.cursor ?? null, next.link ?? null])
    if (next.link !== undefined) return { url: next.link, key }
    const url = new URL(this.options.url)
    for (const [k, v] of Object.entries(this.options.query)) url.searchParams.set(k, v)
    if (incremental) {
      const since = state.since?.value ?? incremental.initial
      if (since !== undefined) url.searchParams.set(incremental.param, String(since))
    }
    if (pagination.type === 'page') {
      url.searchParams.set(pagination.param, String(next.page))
      if (pagination.sizeParam !== undefined) url.searchParams.set(pagination.sizeParam, String(pagination.size))
    }
    if (pagination.type === 'cursor' && pagination.param !== undefined && next.cursor !== undefined) url.searchParams.set(pagination.param, next.cursor)
    return { url: url.href, key }
  }

  /** One page, with retries and backoff; throws the last failure once they are spent (or at once for what a retry cannot fix). */
  async #fetch(request: PageRequest, state: PollCheckpoint, signal: AbortSignal): Promise<{ answer: JsonAnswer; records: unknown[] }> {
    const headers = { ...this.options.headers }
    const validators = state.validators
    if (this.#conditional && state.next!.index === 0 && validators?.request === request.key) {
      if (validators.etag !== null) headers['if-none-match'] = validators.etag
      if (validators.lastModified !== null) headers['if-modified-since'] = validators.lastModified
    }
    let delay = this.options.initialBackoffMs
    for (let attempt = 1; ; attempt++) {
      await this.#rateLimit(signal)
      this.stats.requests++
      try {
        const answer = await requestJson(request.url, headers, this.options, signal, () => this.clock.now())
        if (answer.notModified) return { answer, records: [] }
        const records = this.#records(answer.body)
        if (!Array.isArray(records)) {
          throw new TwinflowError('unavailable', `no array of records at ${this.options.recordsPath} in the body (found ${describe(records)})`, { retriable: true })
        }
        return { answer, records }
      } catch (error) {
        if (signal.aborted) throw signal.reason
        this.stats.failedRequests++
        if (!TwinflowError.isRetriable(error) || attempt > this.options.retries) throw error
        const retryAfter = TwinflowError.is(error) && typeof error.context.retryAfterMs === 'number' ? error.context.retryAfterMs : 0
        const jittered = Math.round(delay * (1 + 0.2 * (2 * Math.random() - 1)))
        const wait = Math.min(this.options.maxBackoffMs, Math.max(jittered, retryAfter))
        this.logger.warn('request failed; retrying', {
          url: redact(request.url),
          attempt,
          retries: this.options.retries,
          delayMs: wait,
          reason: error instanceof Error ? error.message : String(error),
          failedRequests: this.stats.failedRequests,
        })
        await this.clock.sleep(wait, signal)
        delay = Math.min(this.options.maxBackoffMs, delay * 2)
      }
    }
  }

  /** Spaces requests by 1 / maxRequestsPerSecond, in real time (a rate is the server's business, whatever the clock says). */
  async #rateLimit(signal: AbortSignal): Promise<void> {
    const now = performance.now()
    const wait = this.#nextRequestAt - now
    this.#nextRequestAt = Math.max(now, this.#nextRequestAt) + 1000 / this.options.maxRequestsPerSecond
    if (wait > 0) await this.clock.sleep(wait, signal)
  }

  /** The page's batch: its records (those the incremental rule keeps), and the checkpoint after it. */
  #batch(state: PollCheckpoint, request: PageRequest, answer: JsonAnswer, records: unknown[]): SourceBatch {
    const next = state.next!
    if (answer.notModified) {
      this.stats.notModified++
      return this.#emit([], this.#endOfPoll(state, state.high, state.validators))
    }
    let validators = state.validators
    if (next.index === 0) validators = answer.etag !== null || answer.lastModified !== null ? { request: request.key, etag: answer.etag, lastModified: answer.lastModified } : null
    let keep: boolean[] | null = null
    let high = state.high
    if (this.#incremental !== null) {
      const result = filterIncremental(records, this.#incremental, state.since, state.high)
      keep = result.keep
      high = result.high
      if (result.overflow && !this.#overflowWarned) {
        this.#overflowWarned = true
        this.logger.warn('more records share the highest cursor value than incremental.maxKeys: some of them may be delivered again', { maxKeys: this.#incremental.maxKeys })
      }
    }
    const messages: SourceMessage[] = []
    records.forEach((record, i) => {
      if (keep !== null && !keep[i]) return
      const position = `poll ${state.polls + 1} page ${next.index + 1} item ${i + 1}`
      if (typeof record === 'object' && record !== null && !Array.isArray(record)) messages.push({ record: record as Record<string, unknown>, position })
      else messages.push({ value: JSON.stringify(record) ?? 'null', rejected: `http-poll: a record is ${describe(record)}, not a JSON object`, position })
    })
    const following = this.#following(next, request, answer, records)
    if (following !== null && following.index >= this.options.maxPagesPerPoll) {
      this.logger.warn('poll stopped at maxPagesPerPoll pages; the next poll starts again', { pages: following.index, url: redact(request.url) })
      return this.#emit(messages, this.#endOfPoll(state, high, validators))
    }
    return this.#emit(messages, following === null ? this.#endOfPoll(state, high, validators) : { ...state, next: following, high, validators })
  }

  /** The page after this one; null for the last. A next page that is this one again (a server that loops) is the last. */
  #following(next: NextPage, request: PageRequest, answer: JsonAnswer & { notModified: false }, records: unknown[]): NextPage | null {
    const { pagination } = this.options
    const index = next.index + 1
    switch (pagination.type) {
      case 'none':
        return null
      case 'cursor': {
        const token = this.#cursor!(answer.body)
        if ((typeof token !== 'string' && typeof token !== 'number') || token === '' || String(token) === next.cursor) return null
        if (pagination.param !== undefined) return { index, cursor: String(token) }
        // Without a parameter, the token is the next page's URL.
        let link: string
        try {
          link = new URL(String(token), request.url).href
        } catch {
          this.logger.error('the next page token is not a URL (pagination.param is not set); the poll ends here', { token: String(token).slice(0, 200) })
          return null
        }
        return link === request.url ? null : { index, link }
      }
      case 'link': {
        const link = linkOf(answer.link, 'next', request.url)
        return link === null || link === request.url ? null : { index, link }
      }
      case 'page':
        if (records.length === 0 || (pagination.size !== undefined && records.length < pagination.size)) return null
        return { index, page: next.page! + 1 }
    }
  }

  #endOfPoll(state: PollCheckpoint, high: PollCheckpoint['high'], validators: PollCheckpoint['validators']): PollCheckpoint {
    return { polls: state.polls + 1, next: null, since: this.#incremental === null ? null : (high ?? state.since), high: null, validators }
  }

  #emit(messages: SourceMessage[], after: PollCheckpoint): SourceBatch {
    this.#state = after
    this.#pending = true
    if (after.next === null) this.stats.polls++
    return {
      messages,
      checkpoint: encodePollCheckpoint(after),
      ack: async () => {
        if (this.#state !== after) return
        this.#committed = after
        this.#pending = false
      },
    }
  }
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`
}
