export * from './streams.ts'
export * from './views.ts'
export * from './pipeline.ts'
