export * from './clickhouse-driver-options'
export * from './map-clickhouse-error'
export * from './clickhouse-server-driver'
export * from './clickhouse-server-driver-plugin'
