import { OptionsReader } from './options-reader.ts'

export interface MemoryDeadLetterQueueOptions {
  /**
   * How many letters `letters()` keeps (the oldest go first, with a warning the first time).
   * `counts()` keeps counting every letter. @default 10000
   */
  maxLetters?: number
}

/** Validates the memory dead-letter queue's options and fills in the defaults. */
export function parseMemoryDeadLetterQueueOptions(raw: unknown): Required<MemoryDeadLetterQueueOptions> {
  return { maxLetters: new OptionsReader(raw, ['maxLetters']).integer('maxLetters', 10_000) }
}
