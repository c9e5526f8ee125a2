export * from './batch-sql-equivalence'
