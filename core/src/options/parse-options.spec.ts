import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { parseOptions, TwinflowError } from '../index.ts'

const schema = z.strictObject({
  name: z.string().min(1).default('twinflow'),
  size: z.int().min(1).default(10),
  ratio: z.number().min(0).max(1).default(0),
  port: z.int().min(0).max(65535).optional(),
  threads: z.union([z.literal('auto'), z.int().min(0)]).default('auto'),
  hosts: z
    .array(z.string().regex(/^[^:]+:\d+$/, 'must be "host:port"'))
    .min(1)
    .optional(),
  retry: z.strictObject({ retries: z.int().min(0).default(5), on: z.boolean().default(true) }).prefault({}),
  auth: z.discriminatedUnion('mode', [z.strictObject({ mode: z.literal('none') }), z.strictObject({ mode: z.literal('key'), key: z.string() })]).default({ mode: 'none' }),
  level: z.enum(['info', 'warn']).default('info'),
  cron: z.string().regex(/\S/).describe('a cron expression such as "* * * * *"').optional(),
  brokers: z
    .array(
      z
        .string()
        .regex(/^[^:]+:\d+$/)
        .describe('"host:port"'),
    )
    .min(1)
    .optional(),
  id: z
    .string()
    .regex(/^[a-z]+$/)
    .optional(),
})

function problems(raw: unknown, where?: string): string {
  try {
    parseOptions(schema, raw, where)
  } catch (error) {
    expect(TwinflowError.is(error, 'config')).toBe(true)
    return (error as Error).message
  }
  return 'no error'
}

describe('parseOptions', () => {
  it('returns the options with their defaults filled in', () => {
    expect(parseOptions(schema, {})).toEqual({ name: 'twinflow', size: 10, ratio: 0, threads: 'auto', retry: { retries: 5, on: true }, auth: { mode: 'none' }, level: 'info' })
    expect(parseOptions(schema, { size: 3, retry: { on: false } })).toMatchObject({ size: 3, retry: { retries: 5, on: false } })
  })

  it('is idempotent: parsed options parse to themselves', () => {
    const parsed = parseOptions(schema, { threads: 2, hosts: ['a:1'], auth: { mode: 'key', key: 'k' } })
    expect(parseOptions(schema, parsed)).toEqual(parsed)
  })

  it('lists every problem with its path and what to fix, in a config error', () => {
    expect(problems({ size: 0, retry: { retries: -1 } }, 'batch')).toBe(
      ['invalid batch options:', '  - batch.size: must be an integer >= 1, got 0', '  - batch.retry.retries: must be an integer >= 0, got -1'].join('\n'),
    )
  })

  it('says what a value must be, and what it got', () => {
    expect(problems({ size: 1.5 })).toContain('  - size: must be an integer >= 1, got 1.5')
    expect(problems({ size: '5' })).toContain('  - size: must be an integer >= 1, got "5"')
    expect(problems({ ratio: 2 })).toContain('  - ratio: must be a number from 0 to 1, got 2')
    expect(problems({ port: 70_000 })).toContain('  - port: must be an integer from 0 to 65535, got 70000')
    expect(problems({ name: '' })).toContain('  - name: must be a non-empty string, got ""')
    expect(problems({ threads: 'max' })).toContain(`  - threads: must be "auto" or an integer >= 0, got "max"`)
    expect(problems({ hosts: [] })).toContain('  - hosts: must be a non-empty list, got []')
    expect(problems({ hosts: ['kafka'] })).toContain('  - hosts.0: must be "host:port"')
    expect(problems({ retry: { on: 'yes' } })).toContain('  - retry.on: must be true or false, got "yes"')
    expect(problems({ level: 'debug' })).toContain('  - level: must be one of "info", "warn", got "debug"')
    expect(problems({ auth: { mode: 'basic' } })).toContain('  - auth.mode: must be one of "none", "key", got "basic"')
    expect(problems({ auth: { mode: 'key' } })).toContain('  - auth.key: missing; must be a string')
    expect(problems({ cron: ' ' })).toContain('  - cron: must be a cron expression such as "* * * * *", got " "')
    expect(problems({ brokers: 'kafka:9092' })).toContain('  - brokers: must be a non-empty list of "host:port", got "kafka:9092"')
    expect(problems({ brokers: ['kafka'] })).toContain('  - brokers.0: must be "host:port", got "kafka"')
    expect(problems({ id: 'A1' })).toContain('  - id: must be a string matching /^[a-z]+$/, got "A1"')
    expect(problems({ retry: [] })).toContain('  - retry: must be an object, got []')
    expect(problems('fast')).toBe('invalid options:\n  - (root): must be an object, got "fast"')
    expect(problems('fast', 'speed')).toBe('invalid speed options:\n  - speed: must be an object, got "fast"')
  })

  it('rejects unknown options and names the known ones', () => {
    expect(problems({ sise: 3 })).toContain('  - (root): unknown option "sise"; known options: name, size, ratio, port, threads, hosts, retry, auth, level, cron, brokers, id')
    expect(problems({ retry: { count: 1, max: 2 } }, 'x')).toContain('  - x.retry: unknown options "count", "max"; known options: retries, on')
    expect(() => parseOptions(z.strictObject({}), { url: 'redis://x' })).toThrow('  - (root): unknown option "url"; there are none to set')
  })

  it('keeps the messages a schema gives, and names the input as told', () => {
    const pair = z.strictObject({ low: z.int(), high: z.int() }).refine((p) => p.low <= p.high, { message: 'low must not exceed high', path: ['low'] })
    expect(() => parseOptions(pair, { low: 2, high: 1 }, 'range', 'config file a.json')).toThrow('invalid config file a.json:\n  - range.low: low must not exceed high')
  })
})
