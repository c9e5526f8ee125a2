import { ContainerModule } from 'inversify'
import { PiiMasking, resolve, RUNTIME_SERVICES as R, TOKENS, type ProcessService, type Resolver, type Source } from '@twinflow/core'
import { SERVING_TOKENS } from '@twinflow/serving-layer'
import { pluginRouteHandlers } from '../app/http/plugin-route-handlers.ts'
import type { NodeHandler } from '../app/ops/ops-routes.ts'
import { IngestRunner } from './ingest-runner.ts'

export interface IngestModuleOptions {
  /** Each source's field mapping by instance name (see sourceMappings). */
  mappings?: ReadonlyMap<string, { mapping: unknown; where: string }>
  /** Paths Twinflow serves itself (GraphQL, the dashboard, the ops endpoints) → what serves them: a source's route may not take one. */
  reservedPaths?: ReadonlyMap<string, string>
}

/**
 * The `ingest` role (TOKENS.Service `ingest`): runs the configured sources into the event log,
 * mapping and validating their records first; rejected inputs go to the dead-letter queue. A source
 * with an HttpEndpoint (the `http` source) has its routes served on the process's HTTP server,
 * behind the API's authentication; the process is ready once every source has connected.
 * `validate` makes the sources, compiles their mappings and checks their routes' paths, so that
 * `twinflow check` reports what `start` would.
 */
export function ingestModule(options: IngestModuleOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Service)
      .toDynamicValue((ctx): ProcessService => {
        const get = <T>(id: symbol & { readonly __resolvesTo?: T }): T => resolve(ctx as unknown as Resolver, id)
        const sources = () => ctx.getAll<Source>(TOKENS.Source, { optional: true })
        let runner: IngestRunner | null = null
        let fail: (reason: string) => void = () => {}
        const made = () =>
          (runner ??= new IngestRunner(
            sources(),
            get(TOKENS.EventLog),
            get(TOKENS.DeadLetterQueue),
            get(TOKENS.Pipeline),
            get(TOKENS.Clock),
            get(TOKENS.Logger).child({ role: 'ingest' }),
            options.mappings ?? new Map(),
            () => fail('a source stopped after a non-retriable error'),
            ctx.get<PiiMasking | undefined>(TOKENS.PiiMasking, { optional: true }) ?? new PiiMasking(get(TOKENS.Pipeline).streams, null),
          ))
        const routes = async (): Promise<Map<string, NodeHandler>> => {
          const endpoints = sources().flatMap((source) => (source.http ? [{ owner: `source "${source.name}"`, endpoint: source.http }] : []))
          if (endpoints.length === 0) return new Map()
          const authenticator = get(SERVING_TOKENS.Authenticator)
          await authenticator?.ready?.()
          const logger = get(TOKENS.Logger).child({ component: 'http-routes' })
          return pluginRouteHandlers(endpoints, { authenticator, reserved: options.reservedPaths ?? new Map(), logger })
        }
        return {
          name: 'ingest',
          roles: ['ingest'],
          needs: [R.eventLog, R.deadLetterQueue],
          async validate() {
            made()
            await routes()
          },
          async start(process) {
            fail = (reason) => process.fail(reason)
            for (const [path, handler] of await routes()) process.route(path, handler)
            const started = made()
            started.start()
            // Ready once every source has connected: an HTTP source answers 503 until then.
            process.readiness('sources', async () => {
              if (!started.connected) throw new Error('the sources are connecting')
            })
          },
          stop: async () => runner?.stop(),
        }
      })
      .inSingletonScope()
  })
}
