import { createTwinflow } from '../../app/create-twinflow.ts'
import { parseRoles } from '../../app/role.ts'
import { loadConfigFile } from '../../config/load-config-file.ts'
import { registerTypeScriptLoader } from '../../loader/register-typescript-loader.ts'
import type { Command } from '../command-context.ts'
import { findConfigFile } from '../find-config-file.ts'
import { parsePortOption } from '../parse-port-option.ts'
import { waitForSignal } from '../wait-for-signal.ts'

/** `twinflow start --role <roles>`: runs roles against the config's runtimes until a signal. */
export const startCommand: Command = async ({ options, env }) => {
  registerTypeScriptLoader()
  const port = parsePortOption(options.port) ?? env.port
  const loaded = await loadConfigFile(findConfigFile('start', options.config ?? env.configPath), { dataDir: env.dataDir, variables: env.variables })
  if (port !== undefined) loaded.config.serving.port = port
  if (env.logLevel) loaded.config.log.level = env.logLevel as never
  const twinflow = createTwinflow(loaded)
  const roles = parseRoles(options.role ?? 'all', twinflow.roles)
  await twinflow.start(roles, { command: `twinflow start --role ${roles.join(',')}` })
  // Listening for SIGINT/SIGTERM before the URLs are printed: whoever reads them may stop us at once.
  const stopped = waitForSignal(twinflow)
  if (twinflow.dashboardUrl) console.log(`Dashboard: ${twinflow.dashboardUrl}`)
  if (twinflow.url) console.log(`GraphQL: ${twinflow.url}`)
  console.log(`Operations: ${twinflow.opsUrl}/healthz, /readyz, /metrics`)
  return stopped
}
