import { definePlugin, TwinflowError } from '@twinflow/core'
import { parseHttpSourceOptions } from './http-source-options.ts'
import { HttpSource } from './http-source.ts'

/** Source plugin `http`: events sent by other programs to `POST /ingest/<stream>` on the process's HTTP server. */
export const httpSourcePlugin = definePlugin({
  kind: 'source',
  name: 'http',
  description: 'Receives events over HTTP (POST /ingest/<stream>: NDJSON, a JSON array or CSV), answered once they are durable in the log.',
  parseOptions: parseHttpSourceOptions,
  create: (options, ctx) => {
    const known = ctx.pipeline.streams.map((s) => s.name)
    if (!known.includes(options.stream)) throw new TwinflowError('config', `stream: unknown stream "${options.stream}"; streams: ${known.join(', ')}`)
    return new HttpSource(ctx.instanceName, options.stream, options, ctx.clock, ctx.logger)
  },
})
