import type { AlertNotification, Notification, ReportNotification } from '@twinflow/core'
import type { SendMailOptions } from 'nodemailer'

/** The header that carries a notification's id (its idempotency key) in every mail made of it. */
export const NOTIFICATION_ID_HEADER = 'X-Twinflow-Notification-Id'

/** A Message-ID that is the same for every delivery of a notification, so mail systems and clients drop repeats. */
export function messageIdOf(notification: Notification): string {
  return `<${Buffer.from(notification.id).toString('base64url')}@twinflow.notification>`
}

function reportMessage(notification: ReportNotification): SendMailOptions {
  const { report } = notification
  return {
    subject: report.title,
    html: report.html,
    text: report.text,
    // Each chart is an inline part whose Content-ID the HTML names (`<img src="cid:...">`).
    attachments: report.attachments.map((a) => ({
      filename: a.filename,
      content: Buffer.from(a.content),
      contentType: a.contentType,
      cid: a.contentId,
      contentDisposition: 'inline' as const,
    })),
    headers: { 'X-Twinflow-Report': report.name },
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }
const html = (text: string) => text.replace(/[&<>"]/g, (c) => ESCAPES[c]!)

function alertMessage(notification: AlertNotification): SendMailOptions {
  const a = notification.alert
  const group = Object.entries(a.group)
    .map(([k, v]) => `${k}=${v}`)
    .join(', ')
  const lines = [
    `${a.state === 'firing' ? 'FIRING' : 'RESOLVED'}: ${a.rule}`,
    `Condition: ${a.condition}`,
    `View: ${a.view}${group ? ` (${group})` : ' (total)'}`,
    `Value: ${a.value ?? 'none'} (threshold ${a.threshold})`,
    `Range: ${new Date(a.range.from).toISOString()} – ${new Date(a.range.to).toISOString()}`,
    `Active since: ${new Date(a.activeSince).toISOString()}`,
    ...(a.resolvedAt !== null ? [`Resolved at: ${new Date(a.resolvedAt).toISOString()}`] : []),
  ]
  return {
    subject: `[${a.state === 'firing' ? 'FIRING' : 'RESOLVED'}] ${a.rule}${group ? ` (${group})` : ''}`,
    text: `${lines.join('\n')}\n`,
    html: `<!DOCTYPE html><html><body style="font-family:Helvetica,Arial,sans-serif">${lines.map((l, i) => (i === 0 ? `<h1 style="font-size:18px">${html(l)}</h1>` : `<p style="margin:2px 0">${html(l)}</p>`)).join('')}</body></html>`,
    headers: { 'X-Twinflow-Alert': a.rule },
  }
}

/** The mail of a notification (reports and alert events), without its envelope. */
export function emailMessage(notification: AlertNotification | ReportNotification): SendMailOptions {
  const message = notification.kind === 'report' ? reportMessage(notification) : alertMessage(notification)
  return {
    ...message,
    messageId: messageIdOf(notification),
    date: new Date(notification.createdAt),
    headers: { ...(message.headers as Record<string, string>), [NOTIFICATION_ID_HEADER]: notification.id },
  }
}
