import { definePlugin } from '@twinflow/core'
import { NdjsonSink } from './ndjson-sink.ts'
import { parseNdjsonSinkOptions } from './ndjson-sink-options.ts'

/** The plugin: register it with `createTwinflow({ plugins: [ndjsonSinkPlugin] })` or a config's `plugins` module list. */
export const ndjsonSinkPlugin = definePlugin({
  kind: 'sink',
  name: 'ndjson-file',
  description: "Appends the speed layer's view changes to an NDJSON file, exactly once per log offset.",
  parseOptions: parseNdjsonSinkOptions,
  create: (options, context) => new NdjsonSink(context.instanceName, options.path),
})
