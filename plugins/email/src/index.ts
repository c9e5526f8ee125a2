export { emailChannelPlugin } from './email-channel-plugin.ts'
export { emailChannelOptionsSchema, type EmailChannelOptions, type ResolvedEmailChannelOptions } from './email-channel-options.ts'
export { EmailChannel, classifySmtpError } from './email-channel.ts'
export { emailMessage, messageIdOf, NOTIFICATION_ID_HEADER } from './email-message.ts'
