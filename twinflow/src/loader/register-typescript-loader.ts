import { register } from 'node:module'

const REGISTERED = Symbol.for('@twinflow/twinflow/typescript-loader')
// Built, the siblings are compiled modules; as source (the test suite), TypeScript.
const sibling = (name: string) => new URL(`./${name}${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url)

/**
 * Lets this thread import users' TypeScript modules (pipelines, plugins) from any folder: see
 * typescript-hooks for the rules. Idempotent per thread; stack traces then point into the `.ts`.
 */
export function registerTypeScriptLoader(): void {
  const scope = globalThis as Record<symbol, unknown>
  if (scope[REGISTERED]) return
  scope[REGISTERED] = true
  process.setSourceMapsEnabled(true)
  register(sibling('typescript-hooks'))
}

/** URL of a module whose import registers the loader: what a thread imports before a user's module (fold threads). */
export const TYPESCRIPT_LOADER_PRELOAD = sibling('typescript-loader-preload').href
