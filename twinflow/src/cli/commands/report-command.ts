import { TOKENS, TwinflowError } from '@twinflow/core'
import { occurrenceAtOrBefore, REPORT_TOKENS } from '@twinflow/report-layer'
import { createTwinflow } from '../../app/create-twinflow.ts'
import { loadConfigFile } from '../../config/load-config-file.ts'
import { registerTypeScriptLoader } from '../../loader/register-typescript-loader.ts'
import type { Command } from '../command-context.ts'
import { findConfigFile } from '../find-config-file.ts'

const USAGE = 'usage: twinflow report run <report> [--at <time>] [--config <file>]'

/**
 * `twinflow report run <report>`: sends the report now, on demand (its range ends relative to now;
 * every call sends). With `--at <time>`: the scheduled run at or before that time, if it was not
 * sent (a catch-up by hand; skipped when it was). Prints the run's record; exit 1 when the report
 * could not be read or a channel got it only as a dead letter.
 */
export const reportCommand: Command = async ({ args, options, env }) => {
  const [verb, name] = args
  if (verb !== 'run' || !name) throw new TwinflowError('config', USAGE)
  registerTypeScriptLoader()
  const loaded = await loadConfigFile(findConfigFile('report run', options.config ?? env.configPath), { dataDir: env.dataDir })
  if (env.logLevel) loaded.config.log.level = env.logLevel as never
  const report = loaded.pipeline.reports.find((r) => r.name === name)
  if (!report) throw new TwinflowError('config', `no report is named "${name}"; reports: ${loaded.pipeline.reports.map((r) => r.name).join(', ') || 'none'}`)
  let at: number | null = null
  if (options.at !== undefined) {
    at = Date.parse(options.at)
    if (!Number.isFinite(at)) throw new TwinflowError('config', `--at ${JSON.stringify(options.at)} is not a time; give ISO-8601 with a zone, e.g. 2026-11-24T07:00:00+07:00`)
  }
  const twinflow = createTwinflow(loaded)
  try {
    await twinflow.start([], { connect: ['report'], command: 'twinflow report run' })
  } catch (error) {
    if (!TwinflowError.is(error, 'config') || error.context.holder === undefined) throw error
    throw new TwinflowError('config', `${error.message} A running \`twinflow dev\` or \`start --role report\` sends the reports itself, on their schedules.`, {
      cause: error,
      context: error.context,
    })
  }
  try {
    const runner = twinflow.get(REPORT_TOKENS.Runner)
    runner.check()
    if (runner.channelsOf(report).length === 0) {
      throw new TwinflowError('config', `report "${name}" has no channel: name its channels in its declaration or in the config's reports.channels.${name}`)
    }
    const result =
      at === null
        ? await runner.run(report, twinflow.get(TOKENS.Clock).now(), 'manual')
        : await runner.run(report, occurrenceAtOrBefore(report.cron, report.timeZone, at), 'catch-up')
    console.log(JSON.stringify(result.status === 'ran' ? result.record : result, null, 2))
    if (result.status === 'skipped') return 0
    return result.record.status === 'sent' && result.record.deliveries.every((d) => d.status === 'delivered') ? 0 : 1
  } finally {
    await twinflow.stop()
  }
}
