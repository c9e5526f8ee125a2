export * from './ndjson-sink.ts'
export * from './ndjson-sink-options.ts'
export * from './ndjson-sink-plugin.ts'
export { ndjsonSinkPlugin as default } from './ndjson-sink-plugin.ts'
