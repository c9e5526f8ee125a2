import { definePipeline, defineStream, t, TOKENS } from '@twinflow/core'
import { describe, expect, it } from 'vitest'
import { createTwinflow } from '../app/create-twinflow.ts'
import { interpolateEnv } from './interpolate-env.ts'
import { parseConfig } from './parse-config.ts'

const runtimes = {
  eventLog: { plugin: 'memory' },
  clickhouse: { plugin: 'chdb' },
  realtimeStore: { plugin: 'memory' },
  deadLetterQueue: { plugin: 'memory' },
  scheduler: { plugin: 'node-cron' },
}
const signups = defineStream('signups', { email: t.string().pii('hash'), ts: t.eventTime() })
const pipeline = definePipeline({ streams: [signups], views: [] })

describe('the pii section of the config', () => {
  it('takes the masking secret, at least 16 characters, and nothing else', () => {
    expect(parseConfig({ runtimes, pii: { secret: 'sixteen-chars-ok' } }).pii).toEqual({ secret: 'sixteen-chars-ok' })
    expect(parseConfig({ runtimes }).pii).toEqual({})
    expect(() => parseConfig({ runtimes, pii: { secret: 'short' } })).toThrow('pii.secret: pii.secret must be at least 16 characters long')
    expect(() => parseConfig({ runtimes, pii: { salt: 'x' } })).toThrow('pii: unknown option "salt"')
  })

  it('reads the secret from the environment variable a config file names', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a config file's placeholder, not a template
    const raw = interpolateEnv({ pii: { secret: '${PII_SECRET}' } }, (name) => (name === 'PII_SECRET' ? 'from-the-environment-0123' : undefined), 'config file')
    expect(parseConfig({ runtimes, ...(raw as object) }).pii.secret).toBe('from-the-environment-0123')
  })

  it('a stream hashing a field without a secret fails when the process is created, saying what to set', () => {
    expect(() => createTwinflow({ pipeline, config: parseConfig({ runtimes }) })).toThrow(/stream "signups" hashes its personal field "email".*TWINFLOW_PII_SECRET/)
    const twinflow = createTwinflow({ pipeline, config: parseConfig({ runtimes, pii: { secret: 'sixteen-chars-ok' } }) })
    expect(twinflow.get(TOKENS.PiiMasking).hasPersonalFields('signups')).toBe(true)
  })
})
