import { isUtf8 } from 'node:buffer'
import type { EventOf, StreamDef } from './define-stream.ts'
import { compileValidator, type ValidationResult } from './compile-validator.ts'

export interface DecoderOptions {
  /** Larger payloads are rejected before parsing. @default 1 MiB */
  maxBytes?: number
}

/**
 * Builds the decoder every consumer of a stream uses (archiver, speed layer, ingest, history load),
 * so that all of them accept and reject exactly the same inputs: size limit, UTF-8, JSON, the schema,
 * then the event time against the record's log time (`logTime`, epoch ms: at most the stream's
 * `maxFutureSkewMs` ahead of it). Reasons start with a stable word (`oversized`, `invalid-utf8`, `invalid-json`,
 * `schema`, `future`) for metrics.
 */
export function compileDecoder<S extends StreamDef>(stream: S, options: DecoderOptions = {}): (payload: Buffer, logTime: number) => ValidationResult<EventOf<S>> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PAYLOAD_BYTES
  const decodeValue = compileValueDecoder(stream)
  return (payload, logTime) => {
    const parsed = parsePayload(payload, maxBytes)
    return parsed.ok ? decodeValue(parsed.value, logTime) : parsed
  }
}

/** Payloads larger than this are rejected (`oversized`) unless a decoder is given another limit. */
export const DEFAULT_MAX_PAYLOAD_BYTES = 1024 * 1024

/** The decoder's first step, alone: size limit, UTF-8, JSON (reasons `oversized`, `invalid-utf8`, `invalid-json`). */
export function parsePayload(payload: Buffer, maxBytes = DEFAULT_MAX_PAYLOAD_BYTES): { ok: true; value: unknown } | { ok: false; reason: string } {
  if (payload.length > maxBytes) return { ok: false, reason: `oversized: ${payload.length} bytes > limit ${maxBytes}` }
  if (!isUtf8(payload)) return { ok: false, reason: 'invalid-utf8: the payload is not valid UTF-8' }
  try {
    return { ok: true, value: JSON.parse(payload.toString('utf8')) }
  } catch (error) {
    return { ok: false, reason: `invalid-json: ${(error as Error).message}` }
  }
}

/**
 * The part of the decoder after parsing, for inputs that are values already (a record of a loaded
 * file, mapped): the schema (`schema: ...`), then the event time against `logTime` (`future: ...`).
 */
export function compileValueDecoder<S extends StreamDef>(stream: S): (value: unknown, logTime: number) => ValidationResult<EventOf<S>> {
  const validate = compileValidator(stream)
  const future = futureCheck(stream)
  return (value, logTime) => {
    const result = validate(value)
    if (!result.ok) return { ok: false, reason: `schema: ${result.reason}` }
    const tooFar = future(result.event as Record<string, unknown>, logTime)
    return tooFar === null ? result : { ok: false, reason: tooFar }
  }
}

/** The future-skew rule of a stream: null, or the reason an event is too far ahead of its log time. */
export function futureCheck(stream: StreamDef): (event: Record<string, unknown>, logTime: number) => string | null {
  const { timeField, maxFutureSkewMs } = stream
  return (event, logTime) => {
    const time = event[timeField] as number
    if (time <= logTime + maxFutureSkewMs) return null
    return `future: ${timeField} ${new Date(time).toISOString()} is ${formatMs(time - logTime)} after the record's log time ${new Date(logTime).toISOString()} (the stream accepts ${formatMs(maxFutureSkewMs)}: maxFutureSkewMs)`
  }
}

function formatMs(ms: number): string {
  if (ms >= 3_600_000) return `${(ms / 3_600_000).toFixed(1)} h`
  if (ms >= 60_000) return `${(ms / 60_000).toFixed(1)} min`
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)} s` : `${ms} ms`
}
