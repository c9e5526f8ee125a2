export * from './batch-sql-equivalence'
export * from './batch-run-history'
