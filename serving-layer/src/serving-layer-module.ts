import { ContainerModule } from 'inversify'
import { resolve, token, TOKENS, type Resolver } from '@twinflow/core'
import { buildSchema } from './build-schema'
import { ServingServer, type ServingServerOptions } from './serving-server'
import { ViewReader, type ViewReaderOptions } from './view-reader'

export type ServingLayerOptions = ServingServerOptions & ViewReaderOptions

export const SERVING_TOKENS = {
  ViewReader: token<ViewReader>('serving-layer/view-reader'),
  Server: token<ServingServer>('serving-layer/server'),
} as const

/** Binds the view reader and the GraphQL server; needs a BatchEngine and a RealtimeStore. */
export function servingLayerModule(options: ServingLayerOptions = {}): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(SERVING_TOKENS.ViewReader)
      .toDynamicValue((ctx) => {
        const r = ctx as unknown as Resolver
        return new ViewReader(resolve(r, TOKENS.Pipeline), resolve(r, TOKENS.BatchEngine), resolve(r, TOKENS.RealtimeStore), options)
      })
      .inSingletonScope()
    bind(SERVING_TOKENS.Server)
      .toDynamicValue((ctx) => {
        const r = ctx as unknown as Resolver
        const schema = buildSchema(resolve(r, TOKENS.Pipeline), resolve(r, SERVING_TOKENS.ViewReader))
        return new ServingServer(schema, resolve(r, TOKENS.Logger).child({ layer: 'serving' }), options)
      })
      .inSingletonScope()
  })
}
