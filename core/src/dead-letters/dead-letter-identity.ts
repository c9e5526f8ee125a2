import type { DeadLetter } from '../contracts/dead-letter-queue.ts'

/**
 * What makes two letters one for reading: the same stage about the same input. A letter with a
 * position in the log, or in a source, is that input's (a redelivery, or a source batch read again
 * after a restart, writes it again); one with neither is only itself, so null.
 */
export function deadLetterIdentity(letter: DeadLetter): string | null {
  if (letter.topic !== undefined) return `${letter.stage}\u0000${letter.topic}\u0000${letter.partition}\u0000${letter.offset}`
  if (letter.source !== undefined && letter.position !== undefined) return `${letter.stage}\u0000source\u0000${letter.source}\u0000${letter.position}`
  return null
}
