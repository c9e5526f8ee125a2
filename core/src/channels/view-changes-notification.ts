import type { ViewChangesNotification } from '../contracts/notification.ts'
import type { FencedBatch } from '../contracts/realtime-store.ts'

/** The notification of one log batch's view changes; its id is the batch's log range (see ViewChangesNotification). */
export function viewChangesNotification(batch: FencedBatch, createdAt: number): ViewChangesNotification {
  return { kind: 'view-changes', id: `view-changes/${batch.topic}/${batch.partition}/${batch.firstOffset}-${batch.lastOffset}`, createdAt, batch }
}
