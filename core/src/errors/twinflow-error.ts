/**
 * What went wrong, in terms a caller can act on.
 * - `config`: bad configuration or declaration; fix it and restart (never retriable).
 * - `validation`: an event or argument does not match its schema (never retriable).
 * - `unavailable`: a runtime (broker, database, store) did not answer; retriable.
 * - `conflict`: a concurrent writer got there first (e.g. a version already published); retriable.
 * - `plugin`: a plugin is unknown, misdeclared or failed to load (never retriable).
 * - `internal`: a bug in Twinflow or a plugin (never retriable).
 */
export type TwinflowErrorKind = 'config' | 'validation' | 'unavailable' | 'conflict' | 'plugin' | 'internal'

const BRAND = Symbol.for('@twinflow/core/TwinflowError')

export interface TwinflowErrorOptions {
  cause?: unknown
  /** Overrides the kind's default retriability. */
  retriable?: boolean
  /** Context a user needs to act: topic, partition, view, table, attempt... */
  context?: Record<string, unknown>
}

/** The one error class of Twinflow: a `kind`, a `cause`, whether to retry, and context. */
export class TwinflowError extends Error {
  readonly [BRAND] = true
  readonly kind: TwinflowErrorKind
  readonly retriable: boolean
  readonly context: Readonly<Record<string, unknown>>

  constructor(kind: TwinflowErrorKind, message: string, options: TwinflowErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = 'TwinflowError'
    this.kind = kind
    this.retriable = options.retriable ?? (kind === 'unavailable' || kind === 'conflict')
    this.context = options.context ?? {}
  }

  /** Brand check that works across duplicated copies of this package. */
  static is(value: unknown, kind?: TwinflowErrorKind): value is TwinflowError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true && (kind === undefined || (value as TwinflowError).kind === kind)
  }

  /** Whether an unknown error should be retried: Twinflow errors say so; unknown errors are assumed transient. */
  static isRetriable(value: unknown): boolean {
    return TwinflowError.is(value) ? value.retriable : true
  }
}
