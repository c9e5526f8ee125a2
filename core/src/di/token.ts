/** A DI service identifier that carries the type it resolves to. */
export type Token<T> = symbol & { readonly __resolvesTo?: T }

/** A namespaced, process-wide unique token: `token<Clock>('core/clock')` is `Symbol.for('@twinflow/core/clock')`. */
export function token<T>(name: string): Token<T> {
  return Symbol.for(`@twinflow/${name}`) as Token<T>
}

/** Anything that resolves services: an inversify Container or a binding's resolution context. */
export interface Resolver {
  get<T>(id: symbol): T
  getAll<T>(id: symbol): T[]
}

/** Typed `get`. */
export function resolve<T>(resolver: Resolver, id: Token<T>): T {
  return resolver.get<T>(id)
}

/** Typed `getAll` (multi-bindings, e.g. every source). */
export function resolveAll<T>(resolver: Resolver, id: Token<T>): T[] {
  return resolver.getAll<T>(id)
}
