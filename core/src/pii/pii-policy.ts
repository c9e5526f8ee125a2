/**
 * How a personal field (`t.string().pii(...)`) is masked before its event is written anywhere:
 * `hash` (HMAC-SHA256 with the deployment's secret, as 64 lowercase hex digits: the same value
 * always gives the same hash, so ids stay countable and joinable, but not reversible), `redact`
 * (keep the last `keep` characters) or `drop` (the value is removed: always null).
 */
export type PiiPolicy = { readonly mode: 'hash' } | { readonly mode: 'redact'; readonly keep: number } | { readonly mode: 'drop' }

export type PiiMode = PiiPolicy['mode']

export interface RedactOptions {
  /** How many characters (Unicode code points) at the end of the value are kept. @default 4 */
  keep?: number
}

/** The length of a hashed value: HMAC-SHA256 in hex. A hashed field must take strings at least this long. */
export const HASHED_PII_BYTES = 64
