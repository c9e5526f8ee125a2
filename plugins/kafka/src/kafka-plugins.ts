import { definePlugin } from '@twinflow/core'
import { KafkaDeadLetterQueue } from './kafka-dead-letter-queue.ts'
import { parseKafkaDeadLetterQueueOptions } from './kafka-dead-letter-queue-options.ts'
import { KafkaEventLog } from './kafka-event-log.ts'
import { parseKafkaOptions } from './kafka-options.ts'
import { KafkaSink } from './kafka-sink.ts'
import { parseKafkaSinkOptions } from './kafka-sink-options.ts'

/** Event-log plugin `kafka`. */
export const kafkaEventLogPlugin = definePlugin({
  kind: 'event-log',
  name: 'kafka',
  description: 'Apache Kafka (kafkajs): idempotent producer, consumer groups resuming from the sink’s progress.',
  parseOptions: parseKafkaOptions,
  create: (options, ctx) => new KafkaEventLog(options, ctx.logger),
})

/** Dead-letter-queue plugin `kafka`: a topic with the reason in headers. */
export const kafkaDeadLetterQueuePlugin = definePlugin({
  kind: 'dead-letter-queue',
  name: 'kafka',
  description: 'Dead letters to a Kafka topic, with reason, stage and origin in headers.',
  parseOptions: parseKafkaDeadLetterQueueOptions,
  create: (options, ctx) => new KafkaDeadLetterQueue(options, ctx.logger),
})

/** Sink plugin `kafka`: view changes and alert events to a topic, keyed, for other systems. */
export const kafkaSinkPlugin = definePlugin({
  kind: 'sink',
  name: 'kafka',
  description: 'View changes and alert events to a Kafka topic as JSON, keyed by log partition or alert group.',
  parseOptions: parseKafkaSinkOptions,
  create: (options, ctx) => new KafkaSink(ctx.instanceName, options, ctx.logger),
})
