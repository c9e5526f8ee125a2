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
  for (const a of loaded.pipeline.alerts) {
    const on = loaded.config.alerts.rules[a.name]
    console.log(`alert ${a.name}: ${a.condition}, on view ${a.view.name}: ${on ? `on, tells ${on.channels.join(', ') || 'no channel'}` : 'off (alerts.rules)'}`)
  }
  for (const r of loaded.pipeline.reports) {
    const channels = loaded.config.reports.channels[r.name] ?? r.channels
    const sent = channels.length > 0 ? `sent to ${channels.join(', ')}` : 'off (no channel: reports.channels)'
    console.log(`report ${r.name}: ${r.cron} in ${r.timeZone}, ${r.range}, views [${[...new Set(r.views.map((q) => q.view.name))]}]: ${sent}`)
  }
  console.log('config OK')
  return 0
}
