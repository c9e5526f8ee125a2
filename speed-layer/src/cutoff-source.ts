/**
 * Where the speed layer learns each view's published batch cutoff: windows before it are served
 * from the batch layer, so the speed layer skips their events and drops their realtime groups.
 */
export interface CutoffSource {
  /** The view's published cutoff (epoch ms), or `null` before its first publication. Rejects with `unavailable` when it cannot be read. */
  currentCutoff(view: string): Promise<number | null>
}
