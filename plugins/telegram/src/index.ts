export { telegramChannelPlugin } from './telegram-channel-plugin.ts'
export { telegramChannelOptionsSchema, type ResolvedTelegramChannelOptions, type TelegramChannelOptions } from './telegram-channel-options.ts'
export { TelegramChannel } from './telegram-channel.ts'
export { telegramParts, MAX_CAPTION_CHARS, MAX_MESSAGE_CHARS, type TelegramPart } from './telegram-messages.ts'
