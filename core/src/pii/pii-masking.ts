import { TwinflowError } from '../errors/twinflow-error.ts'
import type { StreamDef } from '../schema/define-stream.ts'
import { compileEventMask, type EventMask } from './compile-event-mask.ts'
import { compilePayloadMask } from './compile-payload-mask.ts'

/** The shortest masking secret accepted: a short key makes a keyed hash guessable. */
export const MIN_PII_SECRET_LENGTH = 16

/**
 * The masking of a pipeline's personal fields with one secret (the config's `pii.secret`): the
 * event and payload masks of each stream, compiled once. Built when a process is created, so that
 * a stream with a `hash` field and no secret (or a short one) fails at start with a `config` error
 * saying what to set.
 */
export class PiiMasking {
  readonly #secret: string | null
  readonly #events = new Map<string, EventMask | null>()
  readonly #payloads = new Map<string, (payload: Buffer) => Buffer>()

  constructor(streams: readonly StreamDef[], secret: string | null) {
    if (secret !== null && secret.length < MIN_PII_SECRET_LENGTH)
      throw new TwinflowError('config', `pii.secret must be at least ${MIN_PII_SECRET_LENGTH} characters long (got ${secret.length}): use a long random value`)
    for (const stream of streams) {
      const hashed = Object.keys(stream.fields).filter((name) => stream.fields[name]!.piiPolicy?.mode === 'hash')
      if (hashed.length > 0 && secret === null)
        throw new TwinflowError(
          'config',
          `stream "${stream.name}" hashes its personal field${hashed.length > 1 ? 's' : ''} ${hashed.map((n) => `"${n}"`).join(', ')} (.pii('hash')), which needs a secret: set "pii": { "secret": "\${TWINFLOW_PII_SECRET}" } in the config and the environment variable TWINFLOW_PII_SECRET to a random value of at least ${MIN_PII_SECRET_LENGTH} characters (keep it: another secret gives other hashes)`,
        )
      this.#events.set(stream.name, compileEventMask(stream, secret))
      this.#payloads.set(stream.name, compilePayloadMask(stream, secret))
    }
    this.#secret = secret
  }

  /** The secret, for a fold thread to build its own masking. */
  get secret(): string | null {
    return this.#secret
  }

  /** Whether the stream has personal fields (its producers mark what they masked, see MASKED_HEADER). */
  hasPersonalFields(stream: string): boolean {
    return this.#events.get(stream) != null
  }

  /** The mask of the stream's valid events, or null when it has no personal field. */
  eventMask(stream: string): EventMask | null {
    return this.#events.get(stream) ?? null
  }

  /** The mask of the stream's dead-letter payloads (see compilePayloadMask); identity without personal fields. */
  payloadMask(stream: string): (payload: Buffer) => Buffer {
    return this.#payloads.get(stream) ?? identity
  }
}

const identity = (payload: Buffer) => payload
