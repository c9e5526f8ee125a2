import { TwinflowError } from '../errors/twinflow-error.ts'
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
}

/** The TypeScript type of a validated event of a stream. */
export type EventOf<S> = S extends StreamDef<infer F> ? { [K in keyof F]: FieldValue<F[K]> } : never

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/

export interface StreamOptions {
  topic?: string
  /** See StreamDef.maxFutureSkewMs. @default 3600000 (one hour) */
  maxFutureSkewMs?: number
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
  return { name, fields, timeField: timeFields[0]!, topic: options.topic ?? `twinflow.${name}`, maxFutureSkewMs }
}
