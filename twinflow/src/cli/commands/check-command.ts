import { createTwinflow } from '../../app/create-twinflow.ts'
import { loadConfigFile } from '../../config/load-config-file.ts'
import { registerTypeScriptLoader } from '../../loader/register-typescript-loader.ts'
import type { Command } from '../command-context.ts'
import { describeRuntimes } from '../describe-runtimes.ts'
import { findConfigFile } from '../find-config-file.ts'

/** `twinflow check`: validates the config and its pipeline as `start` does, without connecting to anything. */
export const checkCommand: Command = async ({ options, env }) => {
  registerTypeScriptLoader()
  const loaded = await loadConfigFile(findConfigFile('check', options.config ?? env.configPath), { dataDir: env.dataDir, variables: env.variables })
  const twinflow = createTwinflow(loaded)
  await twinflow.validate()
  console.log(`runtimes: ${describeRuntimes(loaded.config)}`)
  if (twinflow.dataDirectoryUsers.length > 0) console.log(`data directory: ${loaded.config.dataDir} (used by ${twinflow.dataDirectoryUsers.join(', ')})`)
  for (const v of loaded.pipeline.views) {
    console.log(`view ${v.name}: stream ${v.stream.name}, window ${v.window}, keys [${v.keys.map((k) => k.name)}], measures [${v.measures.map((m) => m.name)}]`)
  }
  console.log('config OK')
  return 0
}
