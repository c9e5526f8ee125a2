/** A partition of a topic. */
export interface TopicPartition {
  topic: string
  partition: number
}

/** A map key of a topic partition. */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}

/** The topic partition of a key made by topicPartitionKey. */
export function parseTopicPartitionKey(key: string): TopicPartition {
  const at = key.lastIndexOf('\u0000')
  return { topic: key.slice(0, at), partition: Number(key.slice(at + 1)) }
}
