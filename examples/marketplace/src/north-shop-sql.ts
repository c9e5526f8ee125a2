import type { NorthShopOrder } from './sample-data.ts'

/** The north shop's table, as its application would have it. */
export const NORTH_SHOP_TABLE = `CREATE TABLE IF NOT EXISTS orders (
  id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
  order_no VARCHAR(32) NOT NULL UNIQUE,
  shop_code VARCHAR(32) NOT NULL,
  sku VARCHAR(64) NOT NULL,
  qty INT NOT NULL,
  total_cents BIGINT NOT NULL,
  created_at DATETIME(3) NOT NULL
)`

/** A MySQL/MariaDB script that creates the database, its user, the table and the rows. */
export function northShopSql(database: string, rows: readonly NorthShopOrder[]): string {
  const values = rows.map((r) => `  (${[r.order_no, r.shop_code, r.sku].map(quote).join(', ')}, ${r.qty}, ${r.total_cents}, ${quote(r.created_at)})`)
  return [
    `CREATE DATABASE IF NOT EXISTS ${database};`,
    `CREATE USER IF NOT EXISTS 'twinflow'@'%' IDENTIFIED BY 'twinflow';`,
    `GRANT SELECT ON ${database}.* TO 'twinflow'@'%';`,
    `USE ${database};`,
    `${NORTH_SHOP_TABLE};`,
    `INSERT INTO orders (order_no, shop_code, sku, qty, total_cents, created_at) VALUES\n${values.join(',\n')};`,
    '',
  ].join('\n')
}

const quote = (text: string) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`
