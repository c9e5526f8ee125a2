import { pino, type DestinationStream, type Logger as Pino } from 'pino'
import type { Logger, LogLevel } from '@twinflow/core'

export interface PinoLoggerOptions {
  /** @default 'info' */
  level?: LogLevel
  /** Where the JSON lines go. @default stderr, written synchronously (nothing lost on exit) */
  destination?: DestinationStream
  /** Fields of every line. */
  fields?: Record<string, unknown>
}

/** Fields that hold errors: serialized with type, message, stack, cause and a TwinflowError's kind and context. */
const ERROR_FIELDS = ['error', 'cause', 'dropError']

/** Twinflow's Logger on pino: one JSON object per line, `msg` and `level` names, ISO times. */
export function createPinoLogger(options: PinoLoggerOptions = {}): Logger {
  const root = pino(
    {
      level: options.level ?? 'info',
      base: options.fields ?? null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      serializers: Object.fromEntries(ERROR_FIELDS.map((field) => [field, pino.stdSerializers.err])),
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  )
  return wrap(root)
}

function wrap(p: Pino): Logger {
  return {
    debug: (message, fields) => p.debug(fields ?? {}, message),
    info: (message, fields) => p.info(fields ?? {}, message),
    warn: (message, fields) => p.warn(fields ?? {}, message),
    error: (message, fields) => p.error(fields ?? {}, message),
    child: (fields) => wrap(p.child(fields)),
  }
}
