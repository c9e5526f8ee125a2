import { TwinflowError } from '../errors/twinflow-error.ts'
import type { AnyTwinflowPlugin, PluginKind, TwinflowPlugin } from './plugin.ts'

/** The plugins a Twinflow instance knows, by kind and name. */
export class PluginRegistry {
  readonly #plugins = new Map<string, TwinflowPlugin>()

  /** Adds plugins. A second plugin with the same kind and name is an error, not an override. */
  register(...plugins: AnyTwinflowPlugin[]): this {
    for (const plugin of plugins) {
      if (!plugin || typeof plugin.create !== 'function' || typeof plugin.parseOptions !== 'function') {
        throw new TwinflowError('plugin', `not a Twinflow plugin: ${JSON.stringify(plugin?.name ?? plugin)} (use definePlugin)`)
      }
      const id = `${plugin.kind}:${plugin.name}`
      if (this.#plugins.has(id)) throw new TwinflowError('plugin', `a ${plugin.kind} plugin named "${plugin.name}" is already registered`)
      this.#plugins.set(id, plugin)
    }
    return this
  }

  /** The plugin of that kind and name; unknown names fail with the list of known ones. */
  get<K extends PluginKind>(kind: K, name: string): TwinflowPlugin<K, unknown> {
    const plugin = this.#plugins.get(`${kind}:${name}`)
    if (!plugin) {
      const known = this.list(kind).map((p) => p.name)
      throw new TwinflowError(
        'plugin',
        `unknown ${kind} plugin "${name}"; registered ${kind} plugins: ${known.length ? known.join(', ') : 'none'}. Register it with registry.register(yourPlugin).`,
      )
    }
    return plugin as TwinflowPlugin<K, unknown>
  }

  list(kind?: PluginKind): TwinflowPlugin[] {
    return [...this.#plugins.values()].filter((p) => kind === undefined || p.kind === kind)
  }
}
