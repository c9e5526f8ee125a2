import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dashboardHandler, type DashboardHandlerOptions } from './dashboard-handler.ts'

/** A built app in a temporary folder, as scripts/build-ui.ts lays it out. */
function builtApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'twinflow-dashboard-'))
  mkdirSync(join(dir, 'assets'))
  writeFileSync(join(dir, 'index.html'), '<base href="/" /><script id="s" type="application/json">"__TWINFLOW_DASHBOARD_SETTINGS__"</script>')
  writeFileSync(join(dir, 'assets/dashboard.js'), 'console.log("app")')
  writeFileSync(join(dir, 'assets/dashboard.js.gz'), gzipSync('console.log("app")'))
  writeFileSync(join(dir, 'assets/dashboard.css'), 'body{}')
  return dir
}

async function serve(options: DashboardHandlerOptions): Promise<{ server: Server; base: string }> {
  const handler = dashboardHandler(options)
  const server = createServer(handler)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }
}

describe('dashboardHandler', () => {
  let app: { server: Server; base: string }
  let unbuilt: { server: Server; base: string }
  beforeAll(async () => {
    app = await serve({ mountPath: '/ui', graphqlPath: '/graphql', auth: { mode: 'api-key', header: 'x-api-key' }, assets: builtApp() })
    unbuilt = await serve({ mountPath: '/ui', graphqlPath: '/graphql', auth: { mode: 'none' }, assets: join(tmpdir(), 'no-such-dashboard') })
  })
  afterAll(() => {
    app.server.close()
    unbuilt.server.close()
  })

  it('serves the page at every path under the mount, with its base and the settings written in', async () => {
    for (const path of ['/ui/', '/ui/views/shopRevenue?m=orders', '/ui/pipeline']) {
      const res = await fetch(app.base + path)
      expect(res.status, path).toBe(200)
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
      const html = await res.text()
      expect(html).toContain('<base href="/ui/">')
      expect(html).toContain('{"graphqlPath":"/graphql","auth":{"mode":"api-key","header":"x-api-key"},"mountPath":"/ui"}')
    }
    const bare = await fetch(`${app.base}/ui`, { redirect: 'manual' })
    expect([bare.status, bare.headers.get('location')]).toEqual([308, '/ui/'])
  })

  it('serves the assets gzipped to clients that take it, revalidated by ETag', async () => {
    const gz = await fetch(`${app.base}/ui/assets/dashboard.js`, { headers: { 'accept-encoding': 'gzip' } })
    expect(gz.headers.get('content-encoding')).toBe('gzip')
    expect(await gz.text()).toBe('console.log("app")')
    const again = await fetch(`${app.base}/ui/assets/dashboard.js`, { headers: { 'if-none-match': gz.headers.get('etag')! } })
    expect(again.status).toBe(304)
    const css = await fetch(`${app.base}/ui/assets/dashboard.css`, { headers: { 'accept-encoding': 'identity' } })
    expect([css.status, css.headers.get('content-type'), css.headers.get('content-encoding'), await css.text()]).toEqual([200, 'text/css; charset=utf-8', null, 'body{}'])
    expect((await fetch(`${app.base}/ui/assets/other.js`)).status).toBe(404)
    expect((await fetch(`${app.base}/ui/`, { method: 'POST' })).status).toBe(405)
  })

  it('writes the views into the page when it is given them (no authentication)', async () => {
    const views = [{ name: 'shopRevenue', keys: [{ name: 'shop', type: 'STRING' }], note: '</script><script>alert(1)</script>' }]
    const withViews = await serve({ mountPath: '/dash', graphqlPath: '/api', auth: { mode: 'none' }, views, assets: builtApp() })
    try {
      const html = await (await fetch(`${withViews.base}/dash/`)).text()
      expect(html).toContain('<base href="/dash/">')
      const json = /<script id="s" type="application\/json">(.*)<\/script>/.exec(html)![1]!
      expect(json).not.toContain('</script>')
      expect(JSON.parse(json)).toEqual({ graphqlPath: '/api', auth: { mode: 'none' }, mountPath: '/dash', views })
    } finally {
      withViews.server.close()
    }
  })

  it('answers 503 saying how to build it when the app was not built', async () => {
    const res = await fetch(`${unbuilt.base}/ui/`)
    expect(res.status).toBe(503)
    expect(await res.text()).toMatch(/npm run build/)
  })
})
