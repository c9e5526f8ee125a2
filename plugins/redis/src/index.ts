export * from './redis-realtime-store-options'
export * from './redis-realtime-store'
export * from './redis-realtime-store-plugin'
export * from './redis-keys'
