import { z } from 'zod'

const oneCharacter = z.string().length(1).describe('one character')

/** How a CSV file is written (RFC 4180 by default: comma, double quotes, a header line). */
export const csvOptionsSchema = z
  .object({
    /** @default ',' */
    delimiter: oneCharacter.default(','),
    /** The quote character; a quote inside a quoted field is written twice. @default '"' */
    quote: oneCharacter.default('"'),
    /** The first line names the columns. @default true */
    header: z.boolean().default(true),
    /** Column names: instead of the header line's (then the header line is skipped), or of a file without one. */
    columns: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict()
  .refine((o) => o.delimiter !== o.quote, { error: 'delimiter and quote must differ', path: ['quote'] })
  .refine((o) => o.header || o.columns !== undefined, { error: 'a file without a header needs its column names (columns)', path: ['columns'] })
  .refine((o) => !/[\r\n]/.test(o.delimiter + o.quote), { error: 'delimiter and quote cannot be line breaks', path: ['delimiter'] })

export type CsvOptionsInput = z.input<typeof csvOptionsSchema>
export type CsvOptions = z.output<typeof csvOptionsSchema>
