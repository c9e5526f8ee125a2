import { createHmac } from 'node:crypto'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { defineStream } from '../schema/define-stream.ts'
import { t } from '../schema/t.ts'
import { compileEventMask } from './compile-event-mask.ts'
import { compilePayloadMask } from './compile-payload-mask.ts'
import { hashPii } from './hash-pii.ts'
import { PiiMasking } from './pii-masking.ts'
import { REDACTED, redactPii } from './redact-pii.ts'

const SECRET = 'a-test-secret-of-32-characters!!'

describe('hashPii', () => {
  it('is the RFC 4231 HMAC-SHA256 (test case 2)', () => {
    expect(hashPii('Jefe', 'what do ya want for nothing?')).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
  })

  it("matches node:crypto's createHmac on any text, and differs with another secret", () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.string({ minLength: 1 }), (value, secret) => {
        expect(hashPii(secret, value)).toBe(createHmac('sha256', Buffer.from(secret, 'utf8')).update(Buffer.from(value, 'utf8')).digest('hex'))
        expect(hashPii(secret, value)).toMatch(/^[0-9a-f]{64}$/)
        expect(hashPii(`${secret}x`, value)).not.toBe(hashPii(secret, value))
      }),
    )
  })
})

describe('redactPii', () => {
  it('keeps the last characters of a long value behind a fixed mark', () => {
    expect(redactPii('alice@example.com', 4)).toBe(`${REDACTED}.com`)
    expect(redactPii('+33 6 12 34 56 78', 2)).toBe(`${REDACTED}78`)
    expect(redactPii('abc', 0)).toBe(REDACTED)
  })

  it('hides a value no longer than keep entirely, and keeps the empty string empty', () => {
    expect(redactPii('abcd', 4)).toBe(REDACTED)
    expect(redactPii('a', 4)).toBe(REDACTED)
    expect(redactPii('', 4)).toBe('')
  })

  it('counts Unicode code points and never cuts a surrogate pair', () => {
    expect(redactPii('zoë😀😀', 2)).toBe(`${REDACTED}😀😀`)
    expect(redactPii('😀a😀', 1)).toBe(`${REDACTED}😀`)
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.nat({ max: 8 }), (value, keep) => {
        const redacted = redactPii(value, keep)
        expect((redacted as string & { isWellFormed(): boolean }).isWellFormed()).toBe(true)
        const points = Array.from(value)
        if (points.length > keep) expect(redacted).toBe(REDACTED + points.slice(points.length - keep).join(''))
        else expect(redacted).toBe(value === '' ? '' : REDACTED)
      }),
    )
  })
})

const people = defineStream('people', {
  at: t.eventTime(),
  email: t.string().pii('hash'),
  phone: t.string().optional().pii('redact', { keep: 2 }),
  name: t.string().optional().pii('drop'),
  city: t.string(),
})

describe('event and payload masks', () => {
  const mask = compileEventMask(people, SECRET)!

  it("masks a valid event's personal fields and nothing else", () => {
    const event = { at: 1, email: 'alice@example.com', phone: '0612345678', name: 'Alice', city: 'Lyon' }
    expect(mask(event)).toEqual({ at: 1, email: hashPii(SECRET, 'alice@example.com'), phone: `${REDACTED}78`, name: null, city: 'Lyon' })
    expect(event.email).toBe('alice@example.com')
    expect(mask({ ...event, phone: null, name: null })).toMatchObject({ phone: null, name: null })
  })

  it('a stream without personal fields has no mask', () => {
    expect(compileEventMask(defineStream('plain', { at: t.eventTime(), city: t.string() }), null)).toBeNull()
  })

  it("masks an invalid payload's personal fields, whatever their type, also under a renamed input name", () => {
    const masked = compilePayloadMask(people, SECRET, { mail: 'email' })
    const out = JSON.parse(masked(Buffer.from(JSON.stringify({ at: 'yesterday', mail: 'bob@example.com', phone: 612345678, name: 'Bob', extra: 1 }))).toString())
    expect(out).toEqual({ at: 'yesterday', mail: hashPii(SECRET, 'bob@example.com'), phone: `${REDACTED}78`, extra: 1 })
  })

  it('withholds a payload that is not a JSON object', () => {
    const masked = compilePayloadMask(people, SECRET)
    for (const payload of ['{"email":"bob@example.com",', '["bob@example.com"]', '"bob@example.com"']) {
      const out = masked(Buffer.from(payload)).toString()
      expect(out).not.toContain('bob')
      expect(out).toContain(`${Buffer.byteLength(payload)} bytes withheld`)
    }
  })
})

describe('declaring personal fields', () => {
  it('only on text, long enough for the masked value', () => {
    expect(() => t.enum(['a', 'b']).pii('hash' as never)).toThrow(/t\.string\(\)/)
    expect(() => t.string({ maxBytes: 32 }).pii('hash')).toThrow(/maxBytes must be at least 64/)
    expect(() => t.string({ maxBytes: 10 }).pii('redact', { keep: 4 })).toThrow(/up to 19 bytes/)
    expect(() => t.string().pii('redact', { keep: -1 })).toThrow(/non-negative integer/)
    expect(() =>
      t
        .string()
        .pii('drop')
        .default('x' as never),
    ).toThrow(/cannot have a default/)
    // @ts-expect-error: pii is for text fields
    expect(() => t.int64().pii('hash')).toThrow(/t\.string\(\)/)
  })

  it('a dropped field is optional, and redact keeps 4 characters unless told', () => {
    expect(t.string().pii('drop')).toMatchObject({ nullable: true, piiPolicy: { mode: 'drop' } })
    expect(t.string().pii('redact').piiPolicy).toEqual({ mode: 'redact', keep: 4 })
    expect(t.string().pii('hash').optional().piiPolicy).toEqual({ mode: 'hash' })
  })

  it('a stream hashing a field needs a secret, at least 16 characters long', () => {
    expect(() => new PiiMasking([people], null)).toThrow(/stream "people" hashes its personal field "email".*"pii": \{ "secret": "\$\{TWINFLOW_PII_SECRET\}" \}/)
    expect(() => new PiiMasking([people], 'short')).toThrow(/at least 16 characters/)
    const masking = new PiiMasking([people], SECRET)
    expect(masking.hasPersonalFields('people')).toBe(true)
    expect(masking.eventMask('other')).toBeNull()
  })
})
