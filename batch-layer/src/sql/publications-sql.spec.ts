import { describe, expect, it } from 'vitest'
import { publicationsSql } from './publications-sql.ts'

describe('publicationsSql', () => {
  it('publishes with one row per version and serves the highest', () => {
    expect(publicationsSql.create()).toBe(
      'CREATE TABLE IF NOT EXISTS tf_publications (`view` String, version UInt64, cutoff Int64, published_at Int64) ENGINE = MergeTree() ORDER BY (`view`, version)',
    )
    expect(publicationsSql.list("it's", 1)).toBe(
      "SELECT `view`, version, cutoff, published_at FROM tf_publications WHERE `view` = 'it\\'s' ORDER BY version DESC, published_at DESC LIMIT 1 BY version LIMIT 1",
    )
  })
})
