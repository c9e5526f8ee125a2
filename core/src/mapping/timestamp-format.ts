import { z } from 'zod'
import { isTimeZone } from './zone-time.ts'

const zone = z
  .string()
  .min(1)
  .refine(isTimeZone, { error: (issue) => `must be an IANA time zone such as "Asia/Jakarta" or "UTC", got ${JSON.stringify(issue.input)}` })
  .describe('an IANA time zone such as "Asia/Jakarta" or "UTC"')

/**
 * How a field's time is written in the input (the value becomes epoch milliseconds):
 * - `iso`: ISO-8601 with a zone (`2024-03-01T12:00:00+07:00`, `...Z`); with `zone`, a time without
 *   one is read in that zone;
 * - `epoch-s`: seconds since 1970 (a number or a numeric string; a fraction is kept to the ms);
 * - `epoch-ms`: milliseconds since 1970 (an integer or an integer string);
 * - `pattern`: a luxon pattern (`yyyy-MM-dd HH:mm:ss`, `dd/MM/yyyy HH:mm`, `MMM d yyyy h:mm a`) read
 *   in `zone`; a pattern with its own offset token (`ZZ`, `Z`, `z`) uses the text's offset.
 * At a daylight-saving transition, a wall-clock time that occurs twice is its earlier instant; one
 * that never occurs is a dead letter.
 */
export const timestampFormatSchema = z.union([
  z.enum(['iso', 'epoch-s', 'epoch-ms']),
  z.discriminatedUnion('format', [
    z.object({ format: z.literal('iso'), zone: zone.optional() }).strict(),
    z.object({ format: z.enum(['epoch-s', 'epoch-ms']) }).strict(),
    z.object({ format: z.literal('pattern'), pattern: z.string().min(1), zone }).strict(),
  ]),
])

export type TimestampFormat = z.output<typeof timestampFormatSchema>
