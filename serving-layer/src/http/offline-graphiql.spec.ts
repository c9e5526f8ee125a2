import { createSchema, createYoga } from 'graphql-yoga'
import { describe, expect, it } from 'vitest'
import { offlineGraphiQL } from './offline-graphiql.ts'

// That the page loads nothing from elsewhere is checked in a browser (twinflow's graphiql.browser.spec.ts);
// here, that yoga serves it, with nothing that names a CDN.
describe('offlineGraphiQL', () => {
  const yoga = createYoga({
    schema: createSchema({ typeDefs: 'type Query { hello: String }' }),
    graphiql: { title: 'Twinflow' },
    renderGraphiQL: offlineGraphiQL(),
  })
  const open = () => yoga.fetch('http://localhost/graphql', { headers: { accept: 'text/html' } })

  it('is the page a browser gets at the GraphQL path, GraphiQL inlined: no script, stylesheet or icon by URL', async () => {
    const res = await open()
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html')
    const page = await res.text()
    expect(page).toContain('<title>Twinflow</title>')
    expect(page).toContain('YogaGraphiQL.renderYogaGraphiQL(')
    expect(page).not.toMatch(/<script\b[^>]*\bsrc=/)
    expect(page.match(/<link\b[^>]*>/g)).toEqual([expect.stringMatching(/^<link rel="icon" href="data:/)])
    expect(page).not.toMatch(/unpkg\.com|jsdelivr|__TITLE__|__OPTS__/)
  })

  it('is made once', () => {
    const render = offlineGraphiQL()
    expect(render({ title: 'Twinflow' })).toBe(render({ title: 'Twinflow' }))
  })
})
