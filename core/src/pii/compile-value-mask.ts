import { hashPii } from './hash-pii.ts'
import type { PiiPolicy } from './pii-policy.ts'
import { redactPii } from './redact-pii.ts'

/**
 * The mask of one personal value under `policy`: null and undefined stay as they are (nothing to
 * mask), `drop` gives null, a string is hashed or redacted; any other value (a number where a
 * string was declared, in an invalid input) is masked as its JSON text, so it is never kept raw.
 * `secret` is needed by `hash` only.
 */
export function compileValueMask(policy: PiiPolicy, secret: string | null): (value: unknown) => unknown {
  const text = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value))
  switch (policy.mode) {
    case 'drop':
      return () => null
    case 'redact': {
      const keep = policy.keep
      return (value) => (value === null || value === undefined ? value : redactPii(text(value), keep))
    }
    case 'hash': {
      if (secret === null) throw new Error('hash masking needs a secret')
      return (value) => (value === null || value === undefined ? value : hashPii(secret, text(value)))
    }
  }
}
