/** Start of the UTC calendar month containing `time` (epoch ms): the coarsest bucket an answer can have. */
export function monthStart(time: number): number {
  const date = new Date(time)
  return Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), 1)
}
