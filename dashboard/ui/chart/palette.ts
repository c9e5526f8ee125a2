/** Line colours (Tableau 10: distinct, colour-blind tolerant); `other` is grey and dashed. */
export const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#3b8bba']
export const OTHER_COLOR = '#9aa3ad'

export function seriesColor(index: number, other: boolean): string {
  return other ? OTHER_COLOR : PALETTE[index % PALETTE.length]!
}
