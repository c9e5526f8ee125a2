import { Container } from 'inversify'
import { describe, expect, it } from 'vitest'
import {
  createJsonLogger,
  definePipeline,
  definePlugin,
  pluginModule,
  PluginRegistry,
  resolveAll,
  systemClock,
  TOKENS,
  TwinflowError,
  type Resolver,
  type Scheduler,
} from '../index.ts'

const scheduler = definePlugin({
  kind: 'scheduler',
  name: 'manual',
  description: 'test scheduler',
  parseOptions: (raw) => {
    const o = raw as { label?: unknown }
    if (o.label !== undefined && typeof o.label !== 'string') throw new TwinflowError('config', 'label must be a string')
    return { label: (o.label as string | undefined) ?? 'x' }
  },
  create: (options): Scheduler => ({ validate: () => {}, schedule: () => ({ stop: async () => void options.label }) }),
})

describe('PluginRegistry', () => {
  it('fails on an unknown plugin with the names it knows', () => {
    const registry = new PluginRegistry().register(scheduler)
    expect(() => registry.get('scheduler', 'cron')).toThrow('unknown scheduler plugin "cron"; registered scheduler plugins: manual')
    expect(() => registry.get('sink', 'kafka')).toThrow('registered sink plugins: none')
  })
  it('refuses a second plugin of the same kind and name', () => {
    expect(() => new PluginRegistry().register(scheduler, scheduler)).toThrow('already registered')
  })
  it('validates options when the module is built, naming the config path', () => {
    expect(() => pluginModule(scheduler, { label: 3 }, 'runtimes.scheduler')).toThrow('runtimes.scheduler (scheduler plugin "manual"): label must be a string')
  })
  it('binds the product to the kind token', () => {
    const c = new Container()
    c.bind(TOKENS.Clock).toConstantValue(systemClock)
    c.bind(TOKENS.Logger).toConstantValue(createJsonLogger({ level: 'silent' }))
    c.bind(TOKENS.Pipeline).toConstantValue(definePipeline({ streams: [], views: [] }))
    c.bind(TOKENS.DataDirectory).toConstantValue('/nonexistent/twinflow-data')
    c.load(pluginModule(scheduler, { label: 'y' }, 'runtimes.scheduler'))
    expect(resolveAll(c as unknown as Resolver, TOKENS.Scheduler)).toHaveLength(1)
  })
})
