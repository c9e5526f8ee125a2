import type { StreamDef, EventOf } from './define-stream'

export type ValidationResult<E> = { ok: true; event: E } | { ok: false; reason: string }

/**
 * Builds the validator of a stream's events: every declared field must be present and valid;
 * unknown fields are dropped. The reason names the first offending field.
 */
export function compileValidator<S extends StreamDef>(stream: S): (input: unknown) => ValidationResult<EventOf<S>> {
  const entries = Object.entries(stream.fields)
  const names = entries.map(([name]) => name)
  const types = entries.map(([, type]) => type)
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { ok: false, reason: `event must be a JSON object, got ${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input}` }
    }
    // The usual case allocates nothing: every field present and already in parsed form, and no
    // other field (then the input itself is the event).
    const fields = input as Record<string, unknown>
    let own = 0
    for (const key in fields) if (Object.hasOwn(fields, key)) own++
    // Fields 0..accepted-1 are known valid and in parsed form: they are copied, not checked again.
    let accepted = 0
    if (own === names.length) {
      while (accepted < names.length && types[accepted]!.accepts?.(fields[names[accepted]!]) === true) accepted++
      if (accepted === names.length) return { ok: true, event: fields as EventOf<S> }
    }
    const out: Record<string, unknown> = {}
    for (let i = 0; i < accepted; i++) out[names[i]!] = fields[names[i]!]
    for (let i = accepted; i < names.length; i++) {
      const name = names[i]!
      const type = types[i]!
      const raw = fields[name]
      if (raw === undefined) return { ok: false, reason: `field "${name}" is missing` }
      // The fast path allocates nothing for a value already in its parsed form.
      if (type.accepts?.(raw)) {
        out[name] = raw
        continue
      }
      const parsed = type.parse(raw)
      if (!parsed.ok) return { ok: false, reason: `field "${name}": ${parsed.reason}` }
      out[name] = parsed.value
    }
    return { ok: true, event: out as EventOf<S> }
  }
}
