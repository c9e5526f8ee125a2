import { ContainerModule } from 'inversify'
import { resolve, RUNTIME_SERVICES as R, TOKENS, type ProcessService, type Resolver, type Source } from '@twinflow/core'
import { IngestRunner } from './ingest-runner.ts'

/** The `ingest` role (TOKENS.Service `ingest`): runs the configured sources into the event log. */
export function ingestModule(): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Service)
      .toDynamicValue((ctx): ProcessService => {
        const get = <T>(id: symbol & { readonly __resolvesTo?: T }): T => resolve(ctx as unknown as Resolver, id)
        let runner: IngestRunner | null = null
        return {
          name: 'ingest',
          roles: ['ingest'],
          needs: [R.eventLog],
          async start(process) {
            runner = new IngestRunner(
              ctx.getAll<Source>(TOKENS.Source, { optional: true }),
              get(TOKENS.EventLog),
              get(TOKENS.Pipeline),
              get(TOKENS.Clock),
              get(TOKENS.Logger).child({ role: 'ingest' }),
              () => process.fail('a source stopped after a non-retriable error'),
            )
            runner.start()
          },
          stop: async () => runner?.stop(),
        }
      })
      .inSingletonScope()
  })
}
