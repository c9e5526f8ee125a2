import type { TwinflowEnv } from '../config/read-env.ts'

/** What a command is run with: the command line, parsed, and the environment's settings. */
export interface CommandContext {
  /** Positional arguments after the command's name. */
  args: string[]
  options: {
    config?: string
    role?: string
    port?: string
    views?: string
    /** `api-key`: the streams the key may send events into. */
    ingest?: string
    packages?: string
    reset?: boolean
    stage?: string
    reason?: string
    limit?: string
    url?: string
    json?: boolean
    /** `load` and `dead-letters`: the stream; `load`: the files' format, the mapping file, CSV options, rows per insert. */
    stream?: string
    format?: string
    mapping?: string
    delimiter?: string
    quote?: string
    columns?: string
    'no-header'?: boolean
    'block-rows'?: string
    /** `report run`: the scheduled time to run instead of now. */
    at?: string
  }
  env: TwinflowEnv
}

/** A CLI command: resolves with the process's exit code. */
export type Command = (context: CommandContext) => Promise<number>
