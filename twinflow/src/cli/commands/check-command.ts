import { createTwinflow } from '../../app/create-twinflow.ts'
import { loadConfigFile } from '../../config/load-config-file.ts'
import { registerTypeScriptLoader } from '../../loader/register-typescript-loader.ts'
import type { Command } from '../command-context.ts'
import { findConfigFile } from '../find-config-file.ts'

/** `twinflow check`: validates the config and its pipeline as `start` does, without connecting to anything. */
export const checkCommand: Command = async ({ options, env }) => {
  registerTypeScriptLoader()
  const loaded = await loadConfigFile(findConfigFile('check', options.config ?? env.configPath), { dataDir: env.dataDir })
  const twinflow = createTwinflow(loaded)
  await twinflow.validate()
  for (const [role, plugin] of Object.entries(loaded.config.runtimes)) {
    console.log(`runtime ${role}: ${plugin.plugin}${loaded.config.defaultedRuntimes.includes(role as never) ? ' (embedded default)' : ''}`)
  }
  for (const v of loaded.pipeline.views) {
    console.log(`view ${v.name}: stream ${v.stream.name}, window ${v.window}, keys [${v.keys.map((k) => k.name)}], measures [${v.measures.map((m) => m.name)}]`)
  }
  console.log('config OK')
  return 0
}
