import type { StreamDef } from '../schema/define-stream.ts'
import { compileValueMask } from './compile-value-mask.ts'

/** Masks a stream's valid event: a new event, its personal fields masked, the others as they were. */
export type EventMask = (event: Readonly<Record<string, unknown>>) => Record<string, unknown>

/** The personal fields of a stream, with the mask of each (see compileValueMask). */
export function personalFields(stream: StreamDef, secret: string | null): { name: string; mask: (value: unknown) => unknown }[] {
  return Object.entries(stream.fields)
    .filter(([, type]) => type.piiPolicy !== undefined)
    .map(([name, type]) => ({ name, mask: compileValueMask(type.piiPolicy!, secret) }))
}

/** The mask of a stream's valid events, or null when the stream has no personal field. */
export function compileEventMask(stream: StreamDef, secret: string | null): EventMask | null {
  const fields = personalFields(stream, secret)
  if (fields.length === 0) return null
  return (event) => {
    const out = { ...event }
    for (const { name, mask } of fields) out[name] = mask(event[name])
    return out
  }
}
