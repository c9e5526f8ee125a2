import {
  compileFieldMapping,
  compilePayloadMask,
  compileValueDecoder,
  fieldMappingSchema,
  parsePayload,
  PiiMasking,
  type RecordMapper,
  type SourceMessage,
  type StreamDef,
} from '@twinflow/core'

/** A message checked at ingest: the payload to append to the log, or why it is rejected and the payload to dead-letter. */
export type IngestCheckResult = { ok: true; payload: Buffer } | { ok: false; reason: string; payload: Buffer }

/** Checks one source message at `now` (epoch ms, the log time it is about to get). Never throws. */
export type IngestCheck = (message: SourceMessage, now: number) => IngestCheckResult

/**
 * Compiles what ingest does to every message of a source of `stream`: parse a raw payload (the
 * consumers' decoder: size limit, UTF-8, JSON), apply the source's field mapping if it has one, then
 * the stream's schema and future-skew rule. The same rules as the archiver's, so an input the log
 * holds is one its consumers accept (they still check: other producers may write the topic).
 * A record (a CSV row, a table row: values without JSON's types, or with others) is always mapped,
 * with `{}` when the source has no mapping, so that its strings, bigints and Dates become the
 * stream's declared types. A raw payload that passes unmapped is appended as received; a mapped one
 * or a record as the decoded event's JSON. A record with the `json` it was parsed from (an NDJSON
 * line) is checked as a raw payload is, and appended as that text when it passes unmapped. A message
 * the source `rejected` is a dead letter with the source's reason. A bad `mapping` is a `config`
 * error naming `where`.
 * A stream with personal fields (see PiiMasking) is masked here, before anything is written: a
 * valid event is appended as its masked event's JSON, and a rejected input's payload is masked for
 * its dead letter (its personal fields found by name, or by the input name the mapping renames).
 */
export function compileIngestCheck(stream: StreamDef, mapping: unknown, where: string, masking = new PiiMasking([stream], null)): IngestCheck {
  const decodeValue = compileValueDecoder(stream)
  const map = mapping === undefined ? null : compileFieldMapping(stream, mapping, where)
  const mapRecord = map ?? compileFieldMapping(stream, {}, where)
  const maskEvent = masking.eventMask(stream.name)
  const decode = messageDecoder(decodeValue, map, mapRecord)
  if (maskEvent !== null) {
    const rename = mapping === undefined ? {} : fieldMappingSchema.parse(mapping).rename
    const maskPayload = compilePayloadMask(stream, masking.secret, rename)
    return (message, now) => {
      const result = decode(message, now)
      if (!result.ok) return { ok: false, reason: result.reason, payload: maskPayload(result.payload) }
      return { ok: true, payload: Buffer.from(JSON.stringify(maskEvent(result.event))) }
    }
  }
  return (message, now) => {
    const result = decode(message, now)
    if (!result.ok) return result
    return { ok: true, payload: result.received ?? Buffer.from(JSON.stringify(result.event)) }
  }
}

/** A decoded message: the event, and the bytes received when they may be appended as they are (JSON that passed unmapped). */
type Decoded = { ok: true; event: Record<string, unknown>; received: Buffer | null } | { ok: false; reason: string; payload: Buffer }

/** The checks of compileIngestCheck (parse, map, decode), answering the decoded event. */
function messageDecoder(decodeValue: ReturnType<typeof compileValueDecoder>, map: RecordMapper | null, mapRecord: RecordMapper): (message: SourceMessage, now: number) => Decoded {
  const check = (value: unknown, now: number, payload: () => Buffer, map: RecordMapper | null, received: Buffer | null): Decoded => {
    let input = value
    if (map !== null) {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return { ok: false, reason: `schema: event must be a JSON object, got ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`, payload: payload() }
      const mapped = map(value as Record<string, unknown>)
      if (!mapped.ok) return { ok: false, reason: mapped.reason, payload: payload() }
      input = mapped.event
    }
    const decoded = decodeValue(input, now)
    if (!decoded.ok) return { ok: false, reason: decoded.reason, payload: payload() }
    return { ok: true, event: decoded.event as Record<string, unknown>, received: map === null ? received : null }
  }
  return (message, now) => {
    if ('record' in message) {
      const { json } = message
      if (json !== undefined) return check(message.record, now, () => json, map, json)
      return check(message.record, now, () => Buffer.from(JSON.stringify(message.record, jsonOfRecordValue)), mapRecord, null)
    }
    const raw = typeof message.value === 'string' ? Buffer.from(message.value) : message.value
    if (message.rejected !== undefined) return { ok: false, reason: message.rejected, payload: raw }
    const parsed = parsePayload(raw)
    if (!parsed.ok) return { ok: false, reason: parsed.reason, payload: raw }
    return check(parsed.value, now, () => raw, map, raw)
  }
}

/** A record's values as JSON for its dead letter: a bigint (Parquet's INT64, a table's BIGINT) as its digits, which JSON.stringify refuses. */
function jsonOfRecordValue(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}
