// biome-ignore-all lint/suspicious/noTemplateCurlyInString: `${NAME}` in these strings is the config files' syntax under test, not a template.
import { describe, expect, it } from 'vitest'
import { interpolateEnv } from './interpolate-env.ts'
import { readEnv } from './read-env.ts'

const env = { API_TOKEN: 's3cret', EMPTY: '', HOST: 'api.example.com' }
const lookup = (name: string) => env[name as keyof typeof env]

describe('interpolateEnv', () => {
  it('fills ${NAME} in strings at any depth, with fallbacks and an escape; keys and other values stay', () => {
    const config = {
      sources: [{ options: { url: 'https://${HOST}/v1', headers: { Authorization: 'Bearer ${API_TOKEN}', '${KEY}': 'x' }, retries: 3 } }],
      note: 'costs $${HOST} and ${EMPTY:-none} and ${MISSING:-} and ${MISSING:-a b}',
      flag: true,
    }
    expect(interpolateEnv(config, lookup, 'config file x.json')).toEqual({
      sources: [{ options: { url: 'https://api.example.com/v1', headers: { Authorization: 'Bearer s3cret', '${KEY}': 'x' }, retries: 3 } }],
      note: 'costs ${HOST} and none and  and a b',
      flag: true,
    })
  })

  it('an unset variable without a fallback fails, naming every place', () => {
    expect(() => interpolateEnv({ sources: [{ options: { headers: { a: '${NOPE}' } } }], b: ['${EMPTY}'] }, lookup, 'config file x.json')).toThrow(
      'config file x.json names environment variables that are not set (set them, or write ${NAME:-default}):\n' +
        '  - sources[0].options.headers.a: environment variable NOPE is not set\n' +
        '  - b[0]: environment variable EMPTY is not set',
    )
  })

  it("reads the process's variables through readEnv, the one reader of process.env", () => {
    expect(readEnv({ GITHUB_TOKEN: 't' }).variables('GITHUB_TOKEN')).toBe('t')
    expect(readEnv({}).variables('GITHUB_TOKEN')).toBeUndefined()
  })
})
