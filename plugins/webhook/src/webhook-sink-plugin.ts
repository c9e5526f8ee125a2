import { definePlugin } from '@twinflow/core'
import { parseWebhookSinkOptions } from './webhook-sink-options.ts'
import { WebhookSink } from './webhook-sink.ts'

/** Sink plugin `webhook`: notifications POSTed as signed JSON to an HTTP endpoint. */
export const webhookSinkPlugin = definePlugin({
  kind: 'sink',
  name: 'webhook',
  description: 'Notifications POSTed to an HTTP endpoint as JSON, signed with HMAC-SHA256 (Standard Webhooks headers).',
  parseOptions: parseWebhookSinkOptions,
  create: (options, ctx) => new WebhookSink(ctx.instanceName, options, ctx.clock),
})
