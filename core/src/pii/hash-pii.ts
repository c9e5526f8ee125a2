import { createHmac } from 'node:crypto'

/** The keyed hash of a personal value: HMAC-SHA256 of its UTF-8 bytes with `secret`, as 64 lowercase hex digits. */
export function hashPii(secret: string, value: string): string {
  return createHmac('sha256', secret).update(value, 'utf8').digest('hex')
}
