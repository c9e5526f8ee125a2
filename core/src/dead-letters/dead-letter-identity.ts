import type { DeadLetter } from '../contracts/dead-letter-queue.ts'

/**
 * What makes two letters one for reading: the same stage about the same input. A letter with a
 * position in the log is that input's (a redelivery writes it again); one without (a source's) is
 * only itself, so null.
 */
export function deadLetterIdentity(letter: DeadLetter): string | null {
  return letter.topic === undefined ? null : `${letter.stage}\u0000${letter.topic}\u0000${letter.partition}\u0000${letter.offset}`
}
