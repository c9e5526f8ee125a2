/** A rejected input of a request as its client counts it: the line it starts on (1 is the first), for a JSON array also the element's index (from 0), and why. */
export interface RejectedLine {
  line: number
  index?: number
  reason: string
}
