import { TwinflowError } from '@twinflow/core'

/** kafkajs errors carry `retriable`; keep it, and the context a user needs. */
export function mapKafkaError(error: unknown, operation: string, context: Record<string, unknown> = {}): TwinflowError {
  if (TwinflowError.is(error)) return error
  const message = error instanceof Error ? error.message : String(error)
  const retriable = (error as { retriable?: unknown })?.retriable !== false
  return new TwinflowError(retriable ? 'unavailable' : 'internal', `kafka ${operation} failed: ${message}`, { cause: error, retriable, context })
}
