import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Registry } from 'prom-client'
import type { Logger } from '@twinflow/core'
import type { Readiness } from './readiness.ts'
import { sendJson as json } from './send-json.ts'

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => void

export interface OpsRoutesDeps {
  readiness: Readiness
  registry: Registry
  /** Null while alive; otherwise why this process should be restarted. */
  liveness: () => string | null
  logger: Logger
}

/**
 * The operations endpoints of every Twinflow process, whatever its roles:
 * - `/healthz`: 200 while the process is alive, 503 once a component failed for good;
 * - `/readyz`: 200 when every runtime of its roles answers, else 503 with the failed checks;
 * - `/metrics`: Prometheus text format (prom-client).
 * They are open: the process guards `/metrics` (requireCredentials) when it serves them beside an
 * API with authentication.
 */
export function opsRoutes(deps: OpsRoutesDeps): Map<string, NodeHandler> {
  return new Map<string, NodeHandler>([
    [
      '/healthz',
      (_req, res) => {
        const failure = deps.liveness()
        json(res, failure ? 503 : 200, failure ? { status: 'failed', reason: failure } : { status: 'ok' })
      },
    ],
    [
      '/readyz',
      (_req, res) => {
        deps.readiness.check().then(
          (report) => json(res, report.ready ? 200 : 503, { status: report.ready ? 'ready' : 'not ready', checks: report.checks }),
          (error: unknown) => {
            deps.logger.error('readiness check crashed', { error })
            json(res, 503, { status: 'not ready' })
          },
        )
      },
    ],
    [
      '/metrics',
      (_req, res) => {
        deps.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': deps.registry.contentType })
            res.end(text)
          },
          (error: unknown) => {
            deps.logger.error('collecting metrics failed', { error })
            json(res, 500, { error: 'collecting metrics failed' })
          },
        )
      },
    ],
  ])
}
