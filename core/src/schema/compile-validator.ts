import type { StreamDef, EventOf } from './define-stream'

export type ValidationResult<E> = { ok: true; event: E } | { ok: false; reason: string }

/**
 * Builds the validator of a stream's events: every declared field must be present and valid;
 * unknown fields are dropped. The reason names the first offending field.
 */
export function compileValidator<S extends StreamDef>(stream: S): (input: unknown) => ValidationResult<EventOf<S>> {
  const entries = Object.entries(stream.fields)
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { ok: false, reason: `event must be a JSON object, got ${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input}` }
    }
    const out: Record<string, unknown> = {}
    for (const [name, type] of entries) {
      const raw = (input as Record<string, unknown>)[name]
      if (raw === undefined) return { ok: false, reason: `field "${name}" is missing` }
      const parsed = type.parse(raw)
      if (!parsed.ok) return { ok: false, reason: `field "${name}": ${parsed.reason}` }
      out[name] = parsed.value
    }
    return { ok: true, event: out as EventOf<S> }
  }
}
