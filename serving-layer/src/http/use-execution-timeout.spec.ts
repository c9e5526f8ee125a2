import { createSchema, createYoga } from 'graphql-yoga'
import { describe, expect, it } from 'vitest'
import { useExecutionTimeout } from './use-execution-timeout.ts'

const TIMEOUT_MS = 200
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

function server() {
  const signals: AbortSignal[] = []
  let timeouts = 0
  const yoga = createYoga({
    schema: createSchema({
      typeDefs: 'type Query { stuck: String, quick: String } type Subscription { ticks: Int }',
      resolvers: {
        Query: {
          // A read that never answers; it takes the execution's signal, as a read with a signal would.
          stuck: (_root: unknown, _args: unknown, _ctx: unknown, info: { signal: AbortSignal }) => {
            signals.push(info.signal)
            return new Promise(() => {})
          },
          quick: () => 'ok',
        },
        Subscription: {
          ticks: {
            subscribe: async function* () {
              for (let i = 1; i <= 3; i++) {
                await sleep(TIMEOUT_MS)
                yield { ticks: i }
              }
            },
          },
        },
      },
    }),
    logging: false,
    plugins: [useExecutionTimeout({ timeoutMs: TIMEOUT_MS, onTimeout: () => timeouts++ })],
  })
  const post = (query: string, signal?: AbortSignal) =>
    yoga.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }), signal })
  return { yoga, post, signals, timeouts: () => timeouts }
}

describe('useExecutionTimeout', () => {
  it('answers a TIMEOUT error at the deadline and aborts the signal the resolvers read with', async () => {
    const { post, signals, timeouts } = server()
    const started = performance.now()
    const res = await post('{ quick stuck }')
    expect(performance.now() - started).toBeGreaterThanOrEqual(TIMEOUT_MS - 20)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({
      data: null,
      errors: [{ message: `the query did not complete within ${TIMEOUT_MS} ms (serving.limits.executionTimeoutMs)`, extensions: { code: 'TIMEOUT' } }],
    })
    expect(timeouts()).toBe(1)
    expect(signals).toHaveLength(1)
    expect(signals[0]!.aborted).toBe(true)
    expect(signals[0]!.reason).toMatchObject({ extensions: { code: 'TIMEOUT' } })
  })

  it('leaves a query that ends in time alone, and clears its deadline', async () => {
    const { post, timeouts } = server()
    expect(await (await post('{ quick }')).json()).toEqual({ data: { quick: 'ok' } })
    await sleep(TIMEOUT_MS + 50)
    expect(timeouts()).toBe(0)
  })

  it('aborts the signal when the client goes away before the deadline', async () => {
    const { post, signals, timeouts } = server()
    const client = new AbortController()
    const answer = Promise.resolve(post('{ stuck }', client.signal)).catch((error: unknown) => error)
    while (signals.length === 0) await sleep(5)
    client.abort()
    await answer
    expect(signals[0]!.aborted).toBe(true)
    expect(timeouts()).toBe(0)
  })

  it('does not bind subscriptions', async () => {
    const { yoga } = server()
    const res = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify({ query: 'subscription { ticks }' }),
    })
    // Three events, the last one three deadlines after the start.
    const text = await res.text()
    expect(text.match(/"ticks":\d/g)).toEqual(['"ticks":1', '"ticks":2', '"ticks":3'])
    expect(text).not.toContain('TIMEOUT')
  })
})
