export * from './dashboard-handler.ts'
export * from './dashboard-settings.ts'
export * from './views-query.ts'
