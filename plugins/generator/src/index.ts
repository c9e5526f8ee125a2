export * from './generator-options'
export * from './schema-event-factory'
export * from './generator-source'
export * from './generator-source-plugin'
