// The test kit for pipeline authors. The plugin contracts' conformance suites are in
// '@twinflow/testing/conformance' (they need vitest).
export * from './pipeline/create-test-pipeline.ts'
export * from './pipeline/test-pipeline.ts'
export * from './pipeline/test-clock.ts'
export * from './pipeline/duration.ts'
export * from './pipeline/graphql-request-error.ts'
