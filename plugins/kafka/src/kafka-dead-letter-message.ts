import type { KafkaMessage } from 'kafkajs'
import type { DeadLetter } from '@twinflow/core'

/** The message the Kafka dead-letter queue writes for a letter: its payload, the input's position (log or source) as the key, the rest in `twinflow-*` headers. */
export function deadLetterMessage(letter: DeadLetter): { key: string | null; value: Buffer; headers: Record<string, string> } {
  return {
    key:
      letter.topic !== undefined
        ? `${letter.topic}:${letter.partition}:${letter.offset}`
        : letter.source !== undefined && letter.position !== undefined
          ? `${letter.source}:${letter.position}`
          : null,
    value: letter.payload,
    headers: {
      'twinflow-reason': letter.reason,
      'twinflow-stage': letter.stage,
      'twinflow-stream': letter.stream,
      'twinflow-at': String(letter.at),
      ...(letter.topic === undefined ? {} : { 'twinflow-topic': letter.topic, 'twinflow-partition': String(letter.partition), 'twinflow-offset': String(letter.offset) }),
      ...(letter.source === undefined ? {} : { 'twinflow-source': letter.source }),
      ...(letter.position === undefined ? {} : { 'twinflow-position': letter.position }),
    },
  }
}

/** The letter a message of the dead-letter topic holds (see deadLetterMessage). */
export function deadLetterOf(message: Pick<KafkaMessage, 'value' | 'headers'>): DeadLetter {
  const header = (name: string) => message.headers?.[`twinflow-${name}`]?.toString()
  const topic = header('topic')
  const source = header('source')
  const position = header('position')
  return {
    stream: header('stream') ?? '',
    stage: header('stage') ?? '',
    reason: header('reason') ?? '',
    payload: message.value ?? Buffer.alloc(0),
    at: Number(header('at')),
    ...(topic === undefined ? {} : { topic, partition: Number(header('partition')), offset: Number(header('offset')) }),
    ...(source === undefined ? {} : { source }),
    ...(position === undefined ? {} : { position }),
  }
}
