import { describe, expect, it } from 'vitest'
import { resolveServingOptions, SERVING_LIMIT_DEFAULTS } from './serving-layer-options.ts'

describe('resolveServingOptions', () => {
  it('fills in the documented defaults', () => {
    expect(resolveServingOptions()).toEqual({
      path: '/graphql',
      graphiql: true,
      introspection: true,
      limits: SERVING_LIMIT_DEFAULTS,
      auth: { mode: 'none' },
      cors: false,
      cache: { maxRows: 250_000, chunkWindows: 64 },
      subscriptions: { pollIntervalMs: 1000 },
      speedGroupId: 'twinflow-speed',
      accessLog: true,
    })
    expect(resolveServingOptions({ limits: { maxRows: 50, defaultRows: 20, maxDepth: undefined } }).limits).toMatchObject({ maxRows: 50, defaultRows: 20, maxDepth: 15 })
  })

  it('names the option to fix', () => {
    expect(() => resolveServingOptions({ limits: { maxTokens: 0 } })).toThrow('serving.limits.maxTokens must be an integer >= 1, got 0')
    expect(() => resolveServingOptions({ limits: { maxRows: 10 } })).toThrow('serving.limits.defaultRows (1000) must not exceed maxRows (10)')
    expect(() => resolveServingOptions({ path: 'graphql' })).toThrow('serving.path must be a URL path such as /graphql')
  })
})
