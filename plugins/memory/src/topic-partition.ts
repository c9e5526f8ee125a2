/** A partition of a topic. */
export interface TopicPartition {
  topic: string
  partition: number
}

/** A map key of a topic partition. */
export function topicPartitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`
}
