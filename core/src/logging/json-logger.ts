import type { Logger } from './logger.ts'

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent'
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 }

export interface JsonLoggerOptions {
  /** @default 'info' */
  level?: LogLevel
  /** Where each JSON line goes. @default process.stderr */
  write?: (line: string) => void
  fields?: Record<string, unknown>
}

/** A logger that writes one JSON object per line; errors in fields are serialized with message, kind and cause. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger {
  const threshold = ORDER[options.level ?? 'info']
  const write = options.write ?? ((line: string) => process.stderr.write(`${line}\n`))
  const make = (base: Record<string, unknown>): Logger => {
    const log = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
      if (ORDER[level] < threshold) return
      write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...base, ...fields }, replacer))
    }
    return {
      debug: log('debug'),
      info: log('info'),
      warn: log('warn'),
      error: log('error'),
      child: (fields) => make({ ...base, ...fields }),
    }
  }
  return make(options.fields ?? {})
}

function replacer(_key: string, value: unknown): unknown {
  if (value instanceof Error) {
    const kind = (value as { kind?: unknown }).kind
    return { name: value.name, message: value.message, ...(kind ? { kind } : {}), ...(value.cause ? { cause: value.cause } : {}) }
  }
  return value
}
