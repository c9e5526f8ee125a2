/** One string per topic and partition, for maps keyed by both. */
export const topicPartitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`
