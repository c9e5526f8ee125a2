import type { AlertNotification, Notification, ReportNotification } from '@twinflow/core'

/** Telegram's limit of one message's text (after entities are parsed), and of a photo's caption. */
export const MAX_MESSAGE_CHARS = 4096
export const MAX_CAPTION_CHARS = 1024

/** One Bot API call of a notification: a message (HTML) or a photo with a caption. */
export type TelegramPart = { method: 'sendMessage'; text: string } | { method: 'sendPhoto'; caption: string; filename: string; photo: Uint8Array }

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;' }
/** Text for Telegram's HTML parse mode: only &, < and > are escaped. */
const html = (text: string) => text.replace(/[&<>]/g, (c) => ESCAPES[c]!)

/** The line that names the notification's id (its idempotency key) at the end of its first message. */
export const idLine = (notification: Notification) => `<i>twinflow ${html(notification.id)}</i>`

/** Lines of text cut into chunks of at most `max` characters each once escaped (a longer line is cut). */
function chunks(text: string, max: number): string[] {
  const out: string[] = []
  let current = ''
  for (const line of text.replace(/\n+$/, '').split('\n')) {
    let rest = line
    while (html(rest).length > max) {
      if (current !== '') {
        out.push(current)
        current = ''
      }
      let cut = max
      while (html(rest.slice(0, cut)).length > max) cut--
      out.push(rest.slice(0, cut))
      rest = rest.slice(cut)
    }
    const next = current === '' ? rest : `${current}\n${rest}`
    if (html(next).length > max) {
      out.push(current)
      current = rest
    } else current = next
  }
  if (current !== '' || out.length === 0) out.push(current)
  return out
}

/**
 * A report as Telegram messages: its title and text (the aligned tables, in `<pre>` blocks,
 * several messages when longer than a message may be), then each chart as a photo captioned
 * with the report's title.
 */
function reportParts(notification: ReportNotification): TelegramPart[] {
  const { report } = notification
  const title = `<b>${html(report.title)}</b>`
  const footer = idLine(notification)
  const room = MAX_MESSAGE_CHARS - title.length - footer.length - '\n<pre></pre>\n'.length - 8
  const parts: TelegramPart[] = chunks(report.text, room).map((chunk, i, all) => ({
    method: 'sendMessage',
    text: `${i === 0 ? `${title}\n` : ''}<pre>${html(chunk)}</pre>${i === all.length - 1 ? `\n${footer}` : ''}`,
  }))
  report.attachments.forEach((a, i) => {
    const caption = `${report.title} (${i + 1}/${report.attachments.length})`
    parts.push({ method: 'sendPhoto', caption: html(caption.slice(0, MAX_CAPTION_CHARS - 20)), filename: a.filename, photo: a.content })
  })
  return parts
}

function alertParts(notification: AlertNotification): TelegramPart[] {
  const a = notification.alert
  const group = Object.entries(a.group)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  const lines = [
    `${a.state === 'firing' ? '🔴 <b>FIRING</b>' : '🟢 <b>RESOLVED</b>'} ${html(a.rule)}${group ? ` (${html(group)})` : ''}`,
    html(a.condition),
    `value ${a.value ?? 'none'}, threshold ${a.threshold}`,
    idLine(notification),
  ]
  return [{ method: 'sendMessage', text: lines.join('\n').slice(0, MAX_MESSAGE_CHARS) }]
}

/** The Bot API calls that deliver a notification, in order. */
export function telegramParts(notification: AlertNotification | ReportNotification): TelegramPart[] {
  return notification.kind === 'report' ? reportParts(notification) : alertParts(notification)
}
