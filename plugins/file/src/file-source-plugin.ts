import { definePlugin } from '@twinflow/core'
import { parseFileSourceOptions } from './file-source-options.ts'
import { FileSource } from './file-source.ts'

/** Source plugin `file`: CSV, NDJSON, JSON arrays and Parquet files matched by a glob, once or watched. */
export const fileSourcePlugin = definePlugin({
  kind: 'source',
  name: 'file',
  description: 'Reads the records of CSV, NDJSON, JSON-array and Parquet files matched by a glob, once or watching for new files and appended lines.',
  parseOptions: parseFileSourceOptions,
  create: (options, ctx) => new FileSource(ctx.instanceName, ctx.pipeline.stream(options.stream).name, options, ctx.clock, ctx.logger),
})
