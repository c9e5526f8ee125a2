import { definePlugin, parseOptions } from '@twinflow/core'
import { TelegramChannel } from './telegram-channel.ts'
import { telegramChannelOptionsSchema, type ResolvedTelegramChannelOptions } from './telegram-channel-options.ts'

/** `{ plugin: 'telegram', options: { token, chatId } }`: alert events and reports posted to a Telegram chat by a bot. */
export const telegramChannelPlugin = definePlugin<'sink', ResolvedTelegramChannelOptions>({
  kind: 'sink',
  name: 'telegram',
  description: 'Posts alert events and reports to a Telegram chat through the Bot API (sendMessage, sendPhoto)',
  parseOptions: (raw) => parseOptions(telegramChannelOptionsSchema, raw ?? {}),
  create: (options, { instanceName, logger }) => new TelegramChannel(instanceName, options, logger),
})
