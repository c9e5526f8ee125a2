import type { EventOf, StreamDef } from './define-stream.ts'
import { compileValidator, type ValidationResult } from './compile-validator.ts'

export interface DecoderOptions {
  /** Larger payloads are rejected before parsing. @default 1 MiB */
  maxBytes?: number
}

/**
 * Builds the decoder every consumer of a stream uses (archiver, speed layer, ingest), so that all
 * of them accept and reject exactly the same inputs: size limit, UTF-8 JSON, then the schema.
 * Reasons start with a stable word (`oversized`, `invalid-json`, `schema`) for metrics.
 */
export function compileDecoder<S extends StreamDef>(stream: S, options: DecoderOptions = {}): (payload: Buffer) => ValidationResult<EventOf<S>> {
  const maxBytes = options.maxBytes ?? 1024 * 1024
  const validate = compileValidator(stream)
  return (payload) => {
    if (payload.length > maxBytes) return { ok: false, reason: `oversized: ${payload.length} bytes > limit ${maxBytes}` }
    let parsed: unknown
    try {
      parsed = JSON.parse(payload.toString('utf8'))
    } catch (error) {
      return { ok: false, reason: `invalid-json: ${(error as Error).message}` }
    }
    const result = validate(parsed)
    return result.ok ? result : { ok: false, reason: `schema: ${result.reason}` }
  }
}
