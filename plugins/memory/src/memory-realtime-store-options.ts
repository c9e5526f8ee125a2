import { z } from 'zod'

/** Options of the `memory` realtime-store plugin: none. */
export const memoryRealtimeStoreOptionsSchema = z.strictObject({})

export type MemoryRealtimeStoreOptions = z.output<typeof memoryRealtimeStoreOptionsSchema>
