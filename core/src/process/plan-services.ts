import { TwinflowError } from '../errors/twinflow-error.ts'
import type { ProcessService } from './process-service.ts'

/** The roles the services serve, each once, in the order they were bound. */
export function rolesOf(services: readonly ProcessService[]): string[] {
  return [...new Set(services.flatMap((s) => s.roles))]
}

/**
 * The services to start for `roles`, in start order: the services of those roles and everything
 * they need, transitively, each after what it needs (ties keep the binding order). `connect`
 * roles start what their services need, not the services themselves (e.g. `twinflow batch run`
 * connects what a batch run needs and runs no schedule). Fails with an `internal` error when a
 * service needs one that is not bound, or when needs go round in a circle.
 */
export function planServices(services: readonly ProcessService[], roles: readonly string[], connect: readonly string[] = []): ProcessService[] {
  const byName = new Map<string, ProcessService>()
  for (const service of services) {
    if (byName.has(service.name)) throw new TwinflowError('internal', `two services are named "${service.name}"`)
    byName.set(service.name, service)
  }
  const ordered: ProcessService[] = []
  const state = new Map<string, 'visiting' | 'done'>()
  const visit = (service: ProcessService, path: readonly string[]): void => {
    const seen = state.get(service.name)
    if (seen === 'done') return
    if (seen === 'visiting') throw new TwinflowError('internal', `services need each other in a circle: ${[...path, service.name].join(' → ')}`)
    state.set(service.name, 'visiting')
    for (const need of service.needs) {
      const needed = byName.get(need)
      if (!needed) throw new TwinflowError('internal', `service "${service.name}" needs "${need}", which no module binds; bound: ${[...byName.keys()].join(', ')}`)
      visit(needed, [...path, service.name])
    }
    state.set(service.name, 'done')
    ordered.push(service)
  }
  for (const service of services) {
    if (service.roles.some((r) => roles.includes(r))) visit(service, [])
    else if (service.roles.some((r) => connect.includes(r))) {
      for (const need of service.needs) {
        const needed = byName.get(need)
        if (!needed) throw new TwinflowError('internal', `service "${service.name}" needs "${need}", which no module binds; bound: ${[...byName.keys()].join(', ')}`)
        visit(needed, [service.name])
      }
    }
  }
  return ordered
}
