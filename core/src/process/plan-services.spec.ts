import { describe, expect, it } from 'vitest'
import { planServices, rolesOf } from './plan-services.ts'
import type { ProcessService } from './process-service.ts'

const service = (name: string, roles: string[], needs: string[] = []): ProcessService => ({ name, roles, needs, start: async () => {}, stop: async () => {} })

const bound = [
  service('eventLog', []),
  service('clickhouse', []),
  service('batchEngine', [], ['clickhouse']),
  service('realtimeStore', []),
  service('ingest', ['ingest'], ['eventLog']),
  service('archiver', ['archiver'], ['eventLog', 'batchEngine']),
  service('batchSchedule', ['batch'], ['eventLog', 'batchEngine']),
  service('speedWorker', ['speed'], ['eventLog', 'batchEngine', 'realtimeStore']),
  service('graphql', ['serve'], ['eventLog', 'batchEngine', 'realtimeStore']),
  service('dashboard', ['serve'], ['graphql']),
]
const names = (services: ProcessService[]) => services.map((s) => s.name)

describe('planServices', () => {
  it('starts what a role needs before it, each service once, ties in binding order', () => {
    expect(names(planServices(bound, ['speed', 'archiver']))).toEqual(['eventLog', 'clickhouse', 'batchEngine', 'archiver', 'realtimeStore', 'speedWorker'])
    expect(names(planServices(bound, ['serve']))).toEqual(['eventLog', 'clickhouse', 'batchEngine', 'realtimeStore', 'graphql', 'dashboard'])
    expect(names(planServices(bound, ['ingest']))).toEqual(['eventLog', 'ingest'])
    expect(names(planServices(bound, []))).toEqual([])
  })

  it('starts only the needs of a connect role, not its services', () => {
    expect(names(planServices(bound, [], ['batch']))).toEqual(['eventLog', 'clickhouse', 'batchEngine'])
    expect(names(planServices(bound, ['speed'], ['batch']))).toEqual(['eventLog', 'clickhouse', 'batchEngine', 'realtimeStore', 'speedWorker'])
  })

  it('every service comes after all it needs, whatever the roles', () => {
    const roles = rolesOf(bound)
    for (let mask = 0; mask < 1 << roles.length; mask++) {
      const chosen = roles.filter((_, i) => mask & (1 << i))
      const plan = planServices(bound, chosen)
      plan.forEach((s, i) => {
        for (const need of s.needs) expect(names(plan).indexOf(need), `${s.name} after ${need}`).toBeLessThan(i)
      })
      expect(new Set(names(plan)).size).toBe(plan.length)
    }
  })

  it('names the roles of the bound services, in binding order', () => {
    expect(rolesOf(bound)).toEqual(['ingest', 'archiver', 'batch', 'speed', 'serve'])
  })

  it('fails on a need nobody binds, a circle, and two services of one name', () => {
    expect(() => planServices([service('a', ['x'], ['b'])], ['x'])).toThrow('service "a" needs "b", which no module binds; bound: a')
    expect(() => planServices([service('a', ['x'], ['b']), service('b', [], ['a'])], ['x'])).toThrow('services need each other in a circle: a → b → a')
    expect(() => planServices([service('a', []), service('a', [])], [])).toThrow('two services are named "a"')
  })
})
