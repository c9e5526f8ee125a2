import type { Logger } from '@twinflow/core'
import type { Authenticator } from '@twinflow/serving-layer'
import { headersOf } from '../http/headers-of.ts'
import type { NodeHandler } from './ops-routes.ts'
import { sendJson } from './send-json.ts'

/**
 * An operations endpoint that answers only callers with a credential of the API (`serving.auth`,
 * through the same authenticator) that may read every view: what it tells (the metrics) names
 * every view and stream, which a caller limited to some views may not see. A missing or invalid
 * credential is a 401 with the authenticator's challenge; one limited to some views, a 403.
 */
export function requireCredentials(authenticator: Authenticator, handler: NodeHandler, logger: Logger): NodeHandler {
  return (req, res) => {
    authenticator.authenticate(headersOf(req.headers)).then(
      (result) => {
        if (!result.ok) return sendJson(res, 401, { error: `unauthenticated: ${result.reason}` }, { 'www-authenticate': authenticator.challenge })
        if (result.principal.views !== 'all') {
          return sendJson(res, 403, { error: `"${result.principal.name}" may not read the metrics: they need a credential for every view ("*")` })
        }
        handler(req, res)
      },
      (error: unknown) => {
        logger.error('authenticating an operations request failed', { path: req.url, error })
        sendJson(res, 503, { error: 'authentication is unavailable' })
      },
    )
  }
}
