import { ContainerModule } from 'inversify'
import { resolve, TOKENS, type ProcessService, type Resolver } from '@twinflow/core'
import { SERVING_TOKENS } from '@twinflow/serving-layer'
import { dashboardHandler, VIEWS_QUERY } from '@twinflow/dashboard'

/** Where the serve role mounts the dashboard (`serving.dashboard`). */
export const DASHBOARD_PATH = '/ui'

/**
 * The dashboard (TOKENS.Service `dashboard`, role `serve`, after `graphql`): the page at
 * DASHBOARD_PATH (the `dashboard` endpoint) when `serving.dashboard` is on. Without
 * authentication, the views are written into the page, read in-process with the dashboard's own query.
 */
export function dashboardModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Service)
      .toDynamicValue(
        (ctx): ProcessService => ({
          name: 'dashboard',
          roles: ['serve'],
          needs: ['graphql'],
          async start(process) {
            const { dashboard, auth } = resolve(ctx as unknown as Resolver, SERVING_TOKENS.Options)
            if (!dashboard) return
            const server = resolve(ctx as unknown as Resolver, SERVING_TOKENS.Server)
            const handler = dashboardHandler({
              mountPath: DASHBOARD_PATH,
              graphqlPath: server.path,
              auth: auth.mode === 'api-key' ? { mode: 'api-key', header: auth.header } : { mode: auth.mode },
              views: auth.mode === 'none' ? await dashboardViews(server) : undefined,
            })
            process.route(DASHBOARD_PATH, handler)
            process.route(`${DASHBOARD_PATH}/`, handler, 'dashboard')
          },
          stop: async () => {},
        }),
      )
      .inSingletonScope()
  })
}

/** The views as the dashboard's own query answers them (every view: only without authentication), read in-process. */
async function dashboardViews(server: { path: string; fetch(url: string, init?: RequestInit): Promise<Response> }): Promise<unknown[] | undefined> {
  const res = await server.fetch(server.path, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: VIEWS_QUERY }),
  })
  const body = (await res.json().catch(() => null)) as { data?: { pipeline?: { views?: unknown[] } } } | null
  return body?.data?.pipeline?.views
}
