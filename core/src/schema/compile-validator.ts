import type { StreamDef, EventOf } from './define-stream.ts'

export type ValidationResult<E> = { ok: true; event: E } | { ok: false; reason: string }

/**
 * Builds the validator of a stream's events: every declared field must be present and valid, but
 * an optional field (missing: null) or one with a default (missing: the default), and invalid
 * values follow their field's `onInvalid`; unknown fields are dropped. The reason names the first
 * offending field. A valid event has every declared field (null where it is missing).
 */
export function compileValidator<S extends StreamDef>(stream: S): (input: unknown) => ValidationResult<EventOf<S>> {
  const entries = Object.entries(stream.fields)
  const names = entries.map(([name]) => name)
  const types = entries.map(([, type]) => type)
  const allAccepted = compileAllAccepted(
    names,
    types.map((t) => t.accepts),
  )
  return (input) => {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      return { ok: false, reason: `event must be a JSON object, got ${input === null ? 'null' : Array.isArray(input) ? 'array' : typeof input}` }
    }
    // The usual case allocates nothing: every field present and already in parsed form, and no
    // other field (then the input itself is the event).
    const fields = input as Record<string, unknown>
    let own = 0
    for (const key in fields) if (Object.hasOwn(fields, key)) own++
    if (own === names.length && allAccepted(fields)) return { ok: true, event: fields as EventOf<S> }
    const out: Record<string, unknown> = {}
    for (let i = 0; i < names.length; i++) {
      const name = names[i]!
      const type = types[i]!
      const raw = fields[name]
      if (raw === undefined && type.nullable !== true && type.defaultValue === undefined) return { ok: false, reason: `field "${name}" is missing` }
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

type Accepts = ((value: unknown) => boolean) | undefined

/**
 * Whether every field is present and already in its parsed form (each type's `accepts`). Generated
 * as one expression with a constant property name and its own call per field, so that V8 sees
 * one object shape at each load and one function at each call (and inlines it), where a loop over
 * the names makes every load and call megamorphic. Falls back to the loop where code generation
 * from strings is disallowed. A field whose type has no `accepts` is never accepted here.
 */
function compileAllAccepted(names: readonly string[], accepts: readonly Accepts[]): (fields: Record<string, unknown>) => boolean {
  const loop = (fields: Record<string, unknown>) => names.every((name, i) => accepts[i]?.(fields[name]) === true)
  if (accepts.some((a) => a === undefined)) return () => false
  const params = names.map((_, i) => `a${i}`)
  const body = names.length === 0 ? 'true' : names.map((name, i) => `a${i}(f[${JSON.stringify(name)}]) === true`).join(' && ')
  try {
    const make = new Function(...params, `return function allAccepted(f) { return ${body} }`) as (...fns: Accepts[]) => (fields: Record<string, unknown>) => boolean
    return make(...accepts)
  } catch {
    return loop
  }
}
