import { definePlugin } from '@twinflow/core'
import { parseHttpPollOptions } from './http-poll-options.ts'
import { HttpPollSource } from './http-poll-source.ts'

/**
 * Source plugin `http-poll`: a JSON API polled on a schedule. A `cron` schedule runs on the
 * process's scheduler (`runtimes.scheduler`), which checks the expression when the source is created.
 */
export const httpPollSourcePlugin = definePlugin({
  kind: 'source',
  name: 'http-poll',
  description: 'Polls a JSON HTTP API on a schedule: records at a JSON path, pages, conditional requests, a rate limit, retries, an incremental cursor.',
  parseOptions: parseHttpPollOptions,
  create: (options, ctx) => {
    let scheduler = null
    if (options.cron !== undefined) {
      scheduler = ctx.scheduler()
      scheduler.validate(`source ${ctx.instanceName}`, options.cron)
    }
    return new HttpPollSource(ctx.instanceName, ctx.pipeline.stream(options.stream).name, options, ctx.clock, ctx.logger, scheduler)
  },
})
