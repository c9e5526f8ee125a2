import { ContainerModule } from 'inversify'
import { resolve, RUNTIME_SERVICES as R, TOKENS, type ProcessService, type Resolver, type Source } from '@twinflow/core'
import { IngestRunner } from './ingest-runner.ts'

/**
 * The `ingest` role (TOKENS.Service `ingest`): runs the configured sources into the event log,
 * mapping and validating their records first (`mappings`: each source's field mapping by instance
 * name, see sourceMappings); rejected inputs go to the dead-letter queue. `validate` makes the
 * sources and compiles their mappings, so that `twinflow check` reports what `start` would.
 */
export function ingestModule(mappings: ReadonlyMap<string, { mapping: unknown; where: string }> = new Map()): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Service)
      .toDynamicValue((ctx): ProcessService => {
        const get = <T>(id: symbol & { readonly __resolvesTo?: T }): T => resolve(ctx as unknown as Resolver, id)
        let runner: IngestRunner | null = null
        let fail: (reason: string) => void = () => {}
        const made = () =>
          (runner ??= new IngestRunner(
            ctx.getAll<Source>(TOKENS.Source, { optional: true }),
            get(TOKENS.EventLog),
            get(TOKENS.DeadLetterQueue),
            get(TOKENS.Pipeline),
            get(TOKENS.Clock),
            get(TOKENS.Logger).child({ role: 'ingest' }),
            mappings,
            () => fail('a source stopped after a non-retriable error'),
          ))
        return {
          name: 'ingest',
          roles: ['ingest'],
          needs: [R.eventLog, R.deadLetterQueue],
          async validate() {
            made()
          },
          async start(process) {
            fail = (reason) => process.fail(reason)
            made().start()
          },
          stop: async () => runner?.stop(),
        }
      })
      .inSingletonScope()
  })
}
