import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { fileURLToPath } from 'node:url'
import type { DashboardSettings } from './dashboard-settings.ts'

/** Where `npm run build` puts the bundled app: dist/ui/ of this package (from src/ and dist/ alike). */
export const DASHBOARD_ASSETS = fileURLToPath(new URL('../dist/ui/', import.meta.url))

export interface DashboardHandlerOptions extends DashboardSettings {
  /** The built app's folder. @default DASHBOARD_ASSETS */
  assets?: string
}

interface Asset {
  type: string
  body: Buffer
  gzip: Buffer | null
  etag: string
}

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.html': 'text/html; charset=utf-8' }
/** The files of the app besides index.html (the build writes these and their .gz). */
const ASSET_FILES = ['dashboard.js', 'dashboard.css']

/**
 * The Node request handler of the dashboard, for every path under `mountPath`:
 * - `<mount>/assets/<file>`: the bundled script and styles, gzip-compressed when the client takes it,
 *   with an ETag (revalidated on each load: `no-cache`, a 304 costs a round trip, not the bytes);
 * - any other path (`<mount>`, `<mount>/views/x`, `<mount>/pipeline`): the app's page, with the
 *   server's settings written in, so that a bookmarked URL opens where it was.
 * The files are read once, at the first request. A handler whose app was not built answers 503
 * saying how to build it. Only GET and HEAD are served.
 */
export function dashboardHandler(options: DashboardHandlerOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const mount = options.mountPath.replace(/\/+$/, '')
  let files: Map<string, Asset> | null = null
  const load = (): Map<string, Asset> | null => {
    const dir = options.assets ?? DASHBOARD_ASSETS
    if (!existsSync(`${dir}/index.html`)) return null
    const loaded = new Map<string, Asset>()
    for (const name of ASSET_FILES) {
      const body = readFileSync(`${dir}/assets/${name}`)
      const gz = `${dir}/assets/${name}.gz`
      loaded.set(`/assets/${name}`, asset(TYPES[name.slice(name.lastIndexOf('.'))]!, body, existsSync(gz) ? readFileSync(gz) : null))
    }
    const page = readFileSync(`${dir}/index.html`, 'utf8')
      .replace(/<base href="\/"\s*\/?>/, `<base href="${mount}/">`)
      .replace(
        '"__TWINFLOW_DASHBOARD_SETTINGS__"',
        escapeJsonForHtml({ graphqlPath: options.graphqlPath, auth: options.auth, mountPath: mount, ...(options.views ? { views: options.views } : {}) }),
      )
    loaded.set('page', asset(TYPES['.html']!, Buffer.from(page), null))
    return loaded
  }

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('The dashboard serves GET and HEAD only.\n')
      return
    }
    files ??= load()
    if (!files) {
      res.writeHead(503, { 'content-type': 'text/plain; charset=utf-8' }).end('The dashboard is not built: run `npm run build` in the Twinflow repository.\n')
      return
    }
    const path = (req.url ?? '/').split('?')[0]!.slice(mount.length)
    if (path === '') {
      // `/ui` → `/ui/`: the page's relative URLs resolve against the folder.
      res.writeHead(308, { location: `${mount}/` }).end()
      return
    }
    const file = path.startsWith('/assets/') ? files.get(path) : files.get('page')
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end(`No dashboard asset ${path}.\n`)
      return
    }
    const headers: Record<string, string> = {
      'content-type': file.type,
      'cache-control': 'no-cache',
      etag: file.etag,
      vary: 'accept-encoding',
      'x-content-type-options': 'nosniff',
    }
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, headers).end()
      return
    }
    const gzip = file.gzip !== null && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))
    const body = gzip ? file.gzip! : file.body
    if (gzip) headers['content-encoding'] = 'gzip'
    headers['content-length'] = String(body.length)
    res.writeHead(200, headers)
    res.end(req.method === 'HEAD' ? undefined : body)
  }
}

function asset(type: string, body: Buffer, gzip: Buffer | null): Asset {
  return { type, body, gzip, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` }
}

/** JSON that can stand inside a <script> element: `<` is escaped, so `</script>` cannot end it. */
function escapeJsonForHtml(value: unknown): string {
  return JSON.stringify(value).replaceAll('<', '\\u003c')
}
