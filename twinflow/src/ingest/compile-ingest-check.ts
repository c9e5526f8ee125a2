import { compileFieldMapping, compileValueDecoder, parsePayload, type RecordMapper, type SourceMessage, type StreamDef } from '@twinflow/core'

/** A message checked at ingest: the payload to append to the log, or why it is rejected and the payload to dead-letter. */
export type IngestCheckResult = { ok: true; payload: Buffer } | { ok: false; reason: string; payload: Buffer }

/** Checks one source message at `now` (epoch ms, the log time it is about to get). Never throws. */
export type IngestCheck = (message: SourceMessage, now: number) => IngestCheckResult

/**
 * Compiles what ingest does to every message of a source of `stream`: parse a raw payload (the
 * consumers' decoder: size limit, UTF-8, JSON), apply the source's field mapping if it has one, then
 * the stream's schema and future-skew rule. The same rules as the archiver's, so an input the log
 * holds is one its consumers accept (they still check: other producers may write the topic).
 * A raw payload that passes unmapped is appended as received, and so is a record that passes
 * unmapped with the `json` it was parsed from; a mapped one or another record as the decoded
 * event's JSON. A record marked `untyped` (its values are text: a CSV row) is converted to the
 * declared types even without a mapping (by the identity mapping). A message the source could not
 * read (`unreadable`) is rejected with the source's reason. A bad `mapping` is a `config` error
 * naming `where`.
 */
export function compileIngestCheck(stream: StreamDef, mapping: unknown, where: string): IngestCheck {
  const decodeValue = compileValueDecoder(stream)
  const map = mapping === undefined ? null : compileFieldMapping(stream, mapping, where)
  const convert = map ?? compileFieldMapping(stream, {}, where)
  const check = (value: unknown, now: number, payload: () => Buffer, mapper: RecordMapper | null): IngestCheckResult => {
    let input = value
    if (mapper !== null) {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return { ok: false, reason: `schema: event must be a JSON object, got ${Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value}`, payload: payload() }
      const mapped = mapper(value as Record<string, unknown>)
      if (!mapped.ok) return { ok: false, reason: mapped.reason, payload: payload() }
      input = mapped.event
    }
    const decoded = decodeValue(input, now)
    return decoded.ok ? { ok: true, payload: Buffer.from(JSON.stringify(decoded.event)) } : { ok: false, reason: decoded.reason, payload: payload() }
  }
  return (message, now) => {
    if ('record' in message) {
      const { json } = message
      if (json !== undefined && map === null && message.untyped !== true) {
        const decoded = decodeValue(message.record, now)
        return decoded.ok ? { ok: true, payload: json } : { ok: false, reason: decoded.reason, payload: json }
      }
      const payload = json === undefined ? () => Buffer.from(JSON.stringify(message.record)) : () => json
      return check(message.record, now, payload, map ?? (message.untyped === true ? convert : null))
    }
    if ('unreadable' in message) return { ok: false, reason: message.unreadable, payload: typeof message.raw === 'string' ? Buffer.from(message.raw) : message.raw }
    const raw = typeof message.value === 'string' ? Buffer.from(message.value) : message.value
    const parsed = parsePayload(raw)
    if (!parsed.ok) return { ok: false, reason: parsed.reason, payload: raw }
    if (map !== null) return check(parsed.value, now, () => raw, map)
    const decoded = decodeValue(parsed.value, now)
    return decoded.ok ? { ok: true, payload: raw } : { ok: false, reason: decoded.reason, payload: raw }
  }
}
