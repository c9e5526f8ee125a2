import { ContainerModule } from 'inversify'
import { Channels, type ChannelSettings } from '../channels/channels.ts'
import { deliveryOptionsSchema } from '../channels/delivery-options.ts'
import type { Sink } from '../contracts/sink.ts'
import { resolve, type Resolver } from './token.ts'
import { TOKENS } from './tokens.ts'

/** A channel's settings when its config says nothing: every kind it accepts, the default delivery. */
export function defaultChannelSettings(sink: Sink, where = `sink "${sink.name}"`): ChannelSettings {
  return { kinds: sink.accepts, delivery: deliveryOptionsSchema.parse({}), where }
}

/**
 * Binds TOKENS.Channels (a singleton): the delivery to every sink bound (TOKENS.Sink), with each
 * one's settings (`settings`, by default `defaultChannelSettings`). Needs TOKENS.DeadLetterQueue,
 * Pipeline, Clock and Logger.
 */
export function channelsModule(settings: (sink: Sink) => ChannelSettings = (sink) => defaultChannelSettings(sink)): ContainerModule {
  return new ContainerModule(({ bind }) => {
    bind(TOKENS.Channels)
      .toDynamicValue((ctx) => {
        const r = ctx as unknown as Resolver
        return new Channels({
          sinks: ctx.getAll<Sink>(TOKENS.Sink, { optional: true }),
          settings,
          deadLetters: resolve(r, TOKENS.DeadLetterQueue),
          pipeline: resolve(r, TOKENS.Pipeline),
          clock: resolve(r, TOKENS.Clock),
          logger: resolve(r, TOKENS.Logger),
        })
      })
      .inSingletonScope()
  })
}
