import { TwinflowError } from '../errors/twinflow-error.ts'

/**
 * A sink resumes a partition after the last offset it recorded. If that is beyond the partition's
 * end, the log is not the one the sink recorded from (the topic was deleted and recreated, or an
 * embedded log restarted while the sink's data persisted): resuming there would silently skip every
 * new event. This fails instead, saying what to do.
 */
export function checkResumeOffsets(sink: string, topic: string, resume: ReadonlyMap<number, number>, endOffsets: ReadonlyMap<number, number>): void {
  for (const [partition, offset] of resume) {
    const end = endOffsets.get(partition) ?? 0
    if (offset > end) {
      throw new TwinflowError(
        'config',
        `${sink} recorded progress up to offset ${offset - 1} of ${topic}[${partition}], but the log ends at ${end}: the log is not the one ${sink} read ` +
          `(topic recreated, or an embedded log restarted while ${sink}'s data persisted). Point it at the right log, or clear its data to rebuild from this log.`,
        { context: { topic, partition, resumeFrom: offset, endOffset: end } },
      )
    }
  }
}
