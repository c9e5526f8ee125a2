import { isUtf8 } from 'node:buffer'
import type { StreamDef } from '../schema/define-stream.ts'
import { personalFields } from './compile-event-mask.ts'

/**
 * The mask of the payload of a stream's input that is not (yet) a valid event, for its dead letter:
 * a JSON object keeps everything but its personal fields (found by their name, or by an input name
 * a field mapping's `rename` gives them), which are masked as a valid event's are (`drop`: removed).
 * A payload that is not a JSON object cannot be searched for them: it is withheld, replaced by a
 * note saying how long it was. Identity for a stream without personal fields.
 */
export function compilePayloadMask(stream: StreamDef, secret: string | null, rename: Readonly<Record<string, string>> = {}): (payload: Buffer) => Buffer {
  const fields = new Map(personalFields(stream, secret).map((f) => [f.name, f] as const))
  if (fields.size === 0) return (payload) => payload
  const policies = stream.fields
  const maskOf = (key: string) => fields.get(key) ?? fields.get(rename[key] ?? '')
  return (payload) => {
    let value: unknown
    try {
      value = isUtf8(payload) ? JSON.parse(payload.toString('utf8')) : undefined
    } catch {
      value = undefined
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return Buffer.from(`(payload of ${payload.length} bytes withheld: it is not a JSON object, so the personal fields of stream "${stream.name}" could not be masked in it)`)
    }
    const out: Record<string, unknown> = {}
    for (const [key, raw] of Object.entries(value)) {
      const field = maskOf(key)
      if (field === undefined) out[key] = raw
      else if (policies[field.name]!.piiPolicy!.mode !== 'drop') out[key] = field.mask(raw)
    }
    return Buffer.from(JSON.stringify(out))
  }
}
