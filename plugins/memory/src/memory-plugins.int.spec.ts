import { createJsonLogger, definePipeline, pluginModule, PluginRegistry, resolve, resolveAll, systemClock, TOKENS, TwinflowError, type Resolver } from '@twinflow/core'
import { Container, ContainerModule } from 'inversify'
import { describe, expect, it } from 'vitest'
import { MemoryDeadLetterQueue, MemoryEventLog, MemoryRealtimeStore, MemorySink } from './index.ts'
import { memoryDeadLetterQueuePlugin, memoryEventLogPlugin, memoryRealtimeStorePlugin, memorySinkPlugin } from './index.ts'

const registry = () => new PluginRegistry().register(memoryEventLogPlugin, memoryRealtimeStorePlugin, memoryDeadLetterQueuePlugin, memorySinkPlugin)

describe('the memory plugins', () => {
  it('register under their kinds and the name "memory", and bind their products through pluginModule', async () => {
    const plugins = registry()
    const c = new Container()
    c.load(
      new ContainerModule(({ bind }) => {
        bind(TOKENS.Pipeline).toConstantValue(definePipeline({ streams: [], views: [] }))
        bind(TOKENS.DataDirectory).toConstantValue('/nonexistent/twinflow-data')
        bind(TOKENS.Clock).toConstantValue(systemClock)
        bind(TOKENS.Logger).toConstantValue(createJsonLogger({ level: 'silent' }))
      }),
      pluginModule(plugins.get('event-log', 'memory'), { defaultPartitions: 2, autoCreateTopics: true }, 'runtimes.eventLog'),
      pluginModule(plugins.get('realtime-store', 'memory'), undefined, 'runtimes.realtimeStore'),
      pluginModule(plugins.get('dead-letter-queue', 'memory'), { maxLetters: 5 }, 'runtimes.deadLetterQueue'),
      pluginModule(plugins.get('sink', 'memory'), {}, 'sinks[0]', 'audit'),
    )
    const r = c as unknown as Resolver
    const log = resolve(r, TOKENS.EventLog)
    expect(log).toBeInstanceOf(MemoryEventLog)
    expect(resolve(r, TOKENS.EventLog)).toBe(log)
    await log.connect()
    await log.produce('auto', [{ value: Buffer.from('x') }])
    expect((await log.endOffsets('auto')).size).toBe(2)
    expect(resolve(r, TOKENS.RealtimeStore)).toBeInstanceOf(MemoryRealtimeStore)
    expect(resolve(r, TOKENS.DeadLetterQueue)).toBeInstanceOf(MemoryDeadLetterQueue)
    const [sink] = resolveAll(r, TOKENS.Sink)
    expect(sink).toBeInstanceOf(MemorySink)
    expect(sink!.name).toBe('audit')
  })

  it('fail at load with a config error naming the config path', () => {
    const error = (() => {
      try {
        pluginModule(registry().get('event-log', 'memory'), { defaultPartitions: -2 }, 'runtimes.eventLog')
      } catch (e) {
        return e
      }
    })()
    expect(TwinflowError.is(error, 'config')).toBe(true)
    expect((error as Error).message).toBe('runtimes.eventLog (event-log plugin "memory"): invalid options:\n  - defaultPartitions: must be an integer >= 1, got -2')
  })
})
