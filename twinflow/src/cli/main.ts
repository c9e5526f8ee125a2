import { parseArgs } from 'node:util'
import { TwinflowError } from '@twinflow/core'
import { readEnv } from '../config/read-env.ts'
import type { Command, CommandContext } from './command-context.ts'
import { USAGE } from './usage.ts'

// Each command's module is imported when it runs, so `help` loads nothing but this.
const COMMANDS: Record<string, () => Promise<Command>> = {
  dev: async () => (await import('./commands/dev-command.ts')).devCommand,
  start: async () => (await import('./commands/start-command.ts')).startCommand,
  batch: async () => (await import('./commands/batch-command.ts')).batchCommand,
  load: async () => (await import('./commands/load-command.ts')).loadCommand,
  report: async () => (await import('./commands/report-command.ts')).reportCommand,
  check: async () => (await import('./commands/check-command.ts')).checkCommand,
  'api-key': async () => (await import('./commands/api-key-command.ts')).apiKeyCommand,
  init: async () => (await import('./commands/init-command.ts')).initCommand,
  'dead-letters': async () => (await import('./commands/dead-letters-command.ts')).deadLettersCommand,
}

async function main(argv: string[]): Promise<number> {
  const { positionals, values } = parseCommandLine(argv)
  const [name, ...args] = positionals
  if (values.help || name === undefined || name === 'help') {
    console.log(USAGE)
    return 0
  }
  const load = COMMANDS[name]
  if (!load) throw new TwinflowError('config', `unknown command "${name}"\n\n${USAGE}`)
  const { help: _help, ...options } = values
  const context: CommandContext = { args, options, env: readEnv() }
  return (await load())(context)
}

function parseCommandLine(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        config: { type: 'string' },
        role: { type: 'string' },
        port: { type: 'string' },
        views: { type: 'string' },
        ingest: { type: 'string' },
        packages: { type: 'string' },
        reset: { type: 'boolean' },
        stream: { type: 'string' },
        stage: { type: 'string' },
        reason: { type: 'string' },
        limit: { type: 'string' },
        url: { type: 'string' },
        json: { type: 'boolean' },
        format: { type: 'string' },
        mapping: { type: 'string' },
        delimiter: { type: 'string' },
        quote: { type: 'string' },
        columns: { type: 'string' },
        'no-header': { type: 'boolean' },
        'block-rows': { type: 'string' },
        at: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    throw new TwinflowError('config', `${(error as Error).message}\n\n${USAGE}`)
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (TwinflowError.is(error, 'config') || TwinflowError.is(error, 'plugin')) console.error(`twinflow: ${error.message}`)
    else console.error(error)
    process.exit(2)
  },
)
