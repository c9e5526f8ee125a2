import { defineStream, t } from '@twinflow/core'

/**
 * Product listings as a scraper finds them: fields missing here and there, a price that is
 * sometimes "N/A", categories in any case with stray spaces, and the seller's contact, which is
 * personal: the email is hashed (sellers stay countable and joinable), the phone redacted.
 */
export const listings = defineStream('listings', {
  listingId: t.string(),
  title: t.string(),
  /** Missing on some pages: 'uncategorized'. */
  category: t.string().default('uncategorized'),
  /** Missing, or junk ("N/A"): null, and skipped by the measures. */
  priceCents: t.int64().optional().onInvalid('null'),
  currency: t.enum(['EUR', 'USD']).default('EUR'),
  condition: t.string().optional(),
  sellerEmail: t.string().pii('hash'),
  sellerPhone: t.string().optional().pii('redact', { keep: 2 }),
  scrapedAt: t.eventTime(),
})
