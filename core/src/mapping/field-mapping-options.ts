import { z } from 'zod'
import { timestampFormatSchema } from './timestamp-format.ts'

const name = z.string().min(1)
const constant = z.union([z.string(), z.number(), z.boolean()])

/**
 * How the records of a source or a loaded file become a stream's events; JSON, so that it can sit in
 * a config file. Applied in this order: `drop`, `rename`, `constants`, `timestamps`, then the
 * conversion of untyped values (CSV strings) to the declared types (see converterOf).
 */
export const fieldMappingSchema = z
  .object({
    /** Input name → field name, e.g. `{ "order_id": "orderId" }`. */
    rename: z.record(name, name).default({}),
    /** Field → a value every event gets (over the input's own), e.g. `{ "status": "paid" }`. */
    constants: z.record(name, constant).default({}),
    /** Input names to leave out (never mapped, never "unknown" under `strict`). */
    drop: z.array(name).default([]),
    /** Field → how its time is written (see timestampFormatSchema); other time fields take epoch ms or ISO-8601 with a zone. */
    timestamps: z.record(name, timestampFormatSchema).default({}),
    /** An input field that is neither a field, renamed nor dropped is a dead letter (default: ignored). */
    strict: z.boolean().default(false),
  })
  .strict()

export type FieldMappingInput = z.input<typeof fieldMappingSchema>
export type FieldMapping = z.output<typeof fieldMappingSchema>
