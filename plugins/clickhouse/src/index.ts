export * from './clickhouse-driver-options.ts'
export * from './map-clickhouse-error.ts'
export * from './clickhouse-server-driver.ts'
export * from './clickhouse-server-driver-plugin.ts'
