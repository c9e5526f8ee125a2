import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs'
import type { Logger } from '@twinflow/core'
import type { KafkaOptions } from './kafka-options.ts'

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = { [logLevel.ERROR]: 'error', [logLevel.WARN]: 'warn', [logLevel.INFO]: 'info', [logLevel.DEBUG]: 'debug' }

/** A kafkajs client whose logs go to Twinflow's logger (`retry`: kafkajs's own retries of a request, its defaults when not given). */
export function createKafkaClient(options: KafkaOptions, logger: Logger, retry?: KafkaConfig['retry']): Kafka {
  return new Kafka({
    ...(retry ? { retry } : {}),
    clientId: options.clientId,
    brokers: options.brokers,
    ssl: options.ssl,
    sasl: (options.sasl ?? undefined) as KafkaConfig['sasl'],
    connectionTimeout: options.connectionTimeoutMs,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...fields } = log
        logger[LEVELS[level] ?? 'info'](`kafkajs: ${message}`, fields)
      },
  })
}
