/** The row limits an answer is held to (see ServingLimits for their meaning). */
export interface AnswerLimits {
  maxRangeMs: number
  maxRows: number
  defaultRows: number
  maxScanRows: number
}
