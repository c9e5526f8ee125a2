import { TwinflowError } from '../errors/twinflow-error.ts'
import { type Duration, parseDuration } from '../time/duration.ts'
import type { FieldType, FieldValue } from './field-type.ts'

export type StreamFields = Record<string, FieldType>

/** A typed event stream: a name, its fields, and which field is the event time. */
export interface StreamDef<F extends StreamFields = StreamFields> {
  readonly name: string
  readonly fields: F
  readonly timeField: string
  /** The Kafka topic (log topic) carrying the stream. @default `twinflow.<name>` */
  readonly topic: string
  /**
   * How far an event's time may be ahead of the time its record was appended to the log, in ms.
   * An event further ahead (a device with a wrong clock) is a dead letter (`future: ...`) for every
   * consumer alike, since they judge by the record's log time, not their own clock.
   */
  readonly maxFutureSkewMs: number
  /**
   * The event id and the horizon that make a repeat a duplicate (docs/architecture.md,
   * "Deduplication"): among valid events with the same `field` value and the same horizon bucket
   * `floor(eventTime / horizonMs)`, only the one first in the log is kept, by every view.
   */
  readonly dedupe?: StreamDedupe
}

/** A stream's deduplication (see StreamDef.dedupe). */
export interface StreamDedupe {
  /** A required string or integer field. */
  readonly field: string
  /** The horizon in ms (> 0): the width of the event-time buckets an id is unique in. */
  readonly horizonMs: number
}

/** The TypeScript type of a validated event of a stream. */
export type EventOf<S> = S extends StreamDef<infer F> ? { [K in keyof F]: FieldValue<F[K]> } : never

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface StreamOptions {
  topic?: string
  /** See StreamDef.maxFutureSkewMs. @default 3600000 (one hour) */
  maxFutureSkewMs?: number
  /** Events are unique by `field` within `horizon` (see StreamDef.dedupe). */
  dedupeBy?: { field: string; horizon: Duration }
}

/** Declares a stream. Exactly one field must be `t.eventTime()`; names must be identifiers. */
export function defineStream<const F extends StreamFields>(name: string, fields: F, options: StreamOptions = {}): StreamDef<F> {
  if (!IDENT.test(name)) throw new TwinflowError('config', `stream name "${name}" must match ${IDENT}`)
  const timeFields = Object.keys(fields).filter((k) => fields[k]?.kind === 'time')
  if (timeFields.length !== 1) {
    throw new TwinflowError('config', `stream "${name}" must have exactly one t.eventTime() field, found ${timeFields.length}`)
  }
  for (const [key, type] of Object.entries(fields)) {
    if (!IDENT.test(key) || key.startsWith('_')) {
      throw new TwinflowError('config', `field "${key}" of stream "${name}" must match ${IDENT} and not start with "_"`)
    }
    if (type.kind === 'time' && (type.nullable === true || type.defaultValue !== undefined)) {
      throw new TwinflowError('config', `field "${key}" of stream "${name}": the event time cannot be optional or have a default`)
    }
  }
  const maxFutureSkewMs = options.maxFutureSkewMs ?? 3_600_000
  if (!Number.isSafeInteger(maxFutureSkewMs) || maxFutureSkewMs < 0) {
    throw new TwinflowError('config', `stream "${name}": maxFutureSkewMs must be a non-negative integer of milliseconds, got ${maxFutureSkewMs}`)
  }
  const dedupe = options.dedupeBy === undefined ? undefined : streamDedupe(name, fields, options.dedupeBy)
  return { name, fields, timeField: timeFields[0]!, topic: options.topic ?? `twinflow.${name}`, maxFutureSkewMs, ...(dedupe ? { dedupe } : {}) }
}

function streamDedupe(name: string, fields: StreamFields, dedupeBy: NonNullable<StreamOptions['dedupeBy']>): StreamDedupe {
  const what = `stream "${name}": dedupeBy`
  const type = fields[dedupeBy.field]
  if (!type) throw new TwinflowError('config', `${what}: there is no field "${dedupeBy.field}"; name one of ${Object.keys(fields).join(', ')}`)
  if ((type.kind !== 'string' && type.kind !== 'int') || type.nullable === true || type.defaultValue !== undefined) {
    throw new TwinflowError(
      'config',
      `${what}: field "${dedupeBy.field}" must be a required string or int field (not optional, no default): an event without an id is no one's duplicate`,
    )
  }
  const horizonMs = parseDuration(dedupeBy.horizon, `${what}.horizon`)
  if (horizonMs <= 0) throw new TwinflowError('config', `${what}.horizon must be more than 0`)
  return { field: dedupeBy.field, horizonMs }
}
