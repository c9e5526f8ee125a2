import { z } from 'zod'

/** Options of the `memory` sink plugin: none. */
export const memorySinkOptionsSchema = z.strictObject({})

export type MemorySinkOptions = z.output<typeof memorySinkOptionsSchema>
