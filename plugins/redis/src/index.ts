export * from './redis-realtime-store-options.ts'
export * from './redis-realtime-store.ts'
export * from './redis-realtime-store-plugin.ts'
export * from './redis-keys.ts'
