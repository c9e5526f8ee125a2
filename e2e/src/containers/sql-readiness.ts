import mysql from 'mysql2/promise'
import pg from 'pg'

/**
 * Waits until a database server answers `SELECT 1` through `url` (postgres:// or mysql://): the
 * official images log "ready" once for a temporary server during their first start, so the log
 * alone does not say that the real one listens.
 */
export async function waitForSql(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    try {
      if (url.startsWith('postgres')) {
        const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
        await client.connect()
        await client.query('SELECT 1')
        await client.end()
      } else {
        const connection = await mysql.createConnection({ uri: url, connectTimeout: 2000 })
        await connection.query('SELECT 1')
        await connection.end()
      }
      return
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${url.replace(/:[^:@/]*@/, ':***@')} did not answer SELECT 1 within ${timeoutMs} ms: ${(error as Error).message}`)
      await new Promise((r) => setTimeout(r, 250))
    }
  }
}
