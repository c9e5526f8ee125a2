import { definePlugin, parseOptions } from '@twinflow/core'
import { EmailChannel } from './email-channel.ts'
import { emailChannelOptionsSchema, type ResolvedEmailChannelOptions } from './email-channel-options.ts'

/** `{ plugin: 'email', options: { host, port, auth, tls, from, to } }`: alert events and reports by email over SMTP. */
export const emailChannelPlugin = definePlugin<'sink', ResolvedEmailChannelOptions>({
  kind: 'sink',
  name: 'email',
  description: 'Sends alert events and reports by email over SMTP (TLS, login, HTML with inline charts and a text alternative)',
  parseOptions: (raw) => parseOptions(emailChannelOptionsSchema, raw ?? {}),
  create: (options, { instanceName, logger }) => new EmailChannel(instanceName, options, logger),
})
