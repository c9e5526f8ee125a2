import { ContainerModule } from 'inversify'
import { afterEach, describe, expect, it } from 'vitest'
import { RUNTIME_SERVICES, TOKENS, type ProcessService } from '@twinflow/core'
import { onlineStorePipeline } from '@twinflow/example-online-store'
import { embeddedTestConfig } from '../testing/embedded-config.ts'
import { createTwinflow } from './create-twinflow.ts'
import { parseRoles } from './role.ts'
import type { Twinflow } from './twinflow.ts'

describe('roles come from the services bound in the container', () => {
  let twinflow: Twinflow | null = null
  afterEach(async () => {
    await twinflow?.stop()
    twinflow = null
  })

  it('lists the layers’ roles, and --role values are checked against them', () => {
    twinflow = createTwinflow({ pipeline: onlineStorePipeline, config: embeddedTestConfig() })
    expect(twinflow.roles).toEqual(['ingest', 'archiver', 'batch', 'speed', 'serve', 'report', 'alert'])
    expect(parseRoles('all', twinflow.roles)).toEqual(twinflow.roles)
    expect(parseRoles('speed, archiver,speed', twinflow.roles)).toEqual(['speed', 'archiver'])
    expect(() => parseRoles('speed,reports', twinflow!.roles)).toThrow('unknown role "reports"; roles: ingest, archiver, batch, speed, serve, report, alert, all')
    expect(() => parseRoles(' , ', twinflow!.roles)).toThrow('no role given; roles: ingest, archiver, batch, speed, serve, report, alert, all')
  })

  it('a module that binds a service with a new role adds the role: it starts after what it needs, with its route, and stops before them', async () => {
    twinflow = createTwinflow({ pipeline: onlineStorePipeline, config: embeddedTestConfig() })
    const events: string[] = []
    const probe: ProcessService = {
      name: 'probe',
      roles: ['probe'],
      needs: [RUNTIME_SERVICES.realtimeStore, RUNTIME_SERVICES.eventLog],
      async start(process) {
        // What it needs is running: the store answers.
        events.push(`start, store progress ${JSON.stringify([...(await store.progress('g', 'twinflow.orders'))])}`)
        process.readiness('probe', async () => {})
        process.route('/probe', (_req, res) => res.end('probed'), 'probe')
      },
      async stop() {
        events.push('stop')
      },
    }
    const store = twinflow.get(TOKENS.RealtimeStore)
    twinflow.container.load(new ContainerModule(({ bind }) => void bind(TOKENS.Service).toConstantValue(probe)))
    expect(twinflow.roles).toContain('probe')
    await twinflow.start(['probe'])
    expect(events).toEqual(['start, store progress []'])
    expect(await (await fetch(`${twinflow.opsUrl}/probe`)).text()).toBe('probed')
    expect(Object.keys((await (await fetch(`${twinflow.opsUrl}/readyz`)).json()).checks).sort()).toEqual(['eventLog', 'probe', 'realtimeStore'])
    expect(twinflow.url).toBeNull()
    await twinflow.stop()
    twinflow = null
    expect(events).toEqual(['start, store progress []', 'stop'])
  })

  it('a service that fails to start stops what started before it, and the failure is the start’s', async () => {
    twinflow = createTwinflow({ pipeline: onlineStorePipeline, config: embeddedTestConfig() })
    const stopped: string[] = []
    const service = (name: string, needs: string[], start: () => Promise<void>): ProcessService => ({
      name,
      roles: [name],
      needs,
      start,
      stop: async () => void stopped.push(name),
    })
    twinflow.container.load(
      new ContainerModule(({ bind }) => {
        bind(TOKENS.Service).toConstantValue(service('first', [RUNTIME_SERVICES.eventLog], async () => {}))
        bind(TOKENS.Service).toConstantValue(service('broken', ['first'], () => Promise.reject(new Error('cannot start'))))
      }),
    )
    await expect(twinflow.start(['broken'])).rejects.toThrow('cannot start')
    expect(stopped).toEqual(['first'])
    await expect(twinflow.start(['nothing'])).rejects.toThrow(/unknown role "nothing"; roles: ingest, archiver, batch, speed, serve, report, alert, first, broken/)
  })
})
