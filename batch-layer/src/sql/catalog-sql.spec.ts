import { describe, expect, it } from 'vitest'
import { catalogSql } from './catalog-sql.ts'

describe('catalogSql', () => {
  it('queries the catalog of the current database with literals, never parameters', () => {
    expect(catalogSql.tableExists('tf_view_a_v1')).toBe("SELECT count() AS n FROM system.tables WHERE database = currentDatabase() AND name = 'tf_view_a_v1'")
    expect(catalogSql.tablesLike('tf_view_a_v')).toBe("SELECT name FROM system.tables WHERE database = currentDatabase() AND name LIKE 'tf_view_a_v%'")
  })
})
