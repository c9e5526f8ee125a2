import type { Logger, LogLevel } from '@twinflow/core'
import { createPinoLogger } from '../pino-logger.ts'

/** A pino logger whose JSON lines are kept in memory, for tests that check what is logged. */
export function memoryLog(level: LogLevel = 'info'): { logger: Logger; records: () => Record<string, any>[] } {
  const lines: string[] = []
  const logger = createPinoLogger({ level, destination: { write: (line: string) => void lines.push(line) } })
  return { logger, records: () => lines.map((l) => JSON.parse(l) as Record<string, any>) }
}
