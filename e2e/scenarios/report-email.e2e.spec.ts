import { afterAll, beforeAll, describe, expect, it, onTestFailed } from 'vitest'
import { generateOrders, generatePageViews } from '@twinflow/example-online-store'
import { SmtpContainer, type StartedSmtpContainer } from '../src/containers/index.ts'
import { e2eEnvironment } from '../src/e2e-environment.ts'
import { expectLagReturnsToZero, HOUR, Stack, TOPICS, TwinflowProcess } from '../src/harness/index.ts'
import { settings } from '../src/settings.ts'

// The online store's daily report by email, through a real SMTP server (Exim in a
// container: STARTTLS, AUTH, a certificate the test trusts), with the pipeline on Kafka, Redis and
// ClickHouse 18.16. The mail is read back from the server's maildir and parsed with mailparser: its
// HTML table is the GraphQL API's answer for the same range, its chart an inline PNG.
const env = await e2eEnvironment(['TWINFLOW_KAFKA_IMAGE', 'TWINFLOW_REDIS_IMAGE', 'TWINFLOW_CLICKHOUSE_IMAGE', 'TWINFLOW_SMTP_IMAGE'])
const TEAM = 'team@shop.test'

interface RunRecord {
  runId: string
  status: string
  trigger: string
  late: boolean
  period: { from: number; to: number }
  deliveries: { channel: string; status: string; attempts: number }[]
}

/** The cells of each row of the first `<table>` of an HTML document (the report's first section). */
function firstTableRows(html: string): string[][] {
  const table = /<table[\s\S]*?<\/table>/.exec(html)![0]
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table)![1]!
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((row) => [...row[1]!.matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1]!.replace(/&amp;/g, '&')))
}

describe.skipIf(env.skip)('scenario: the daily report arrives by email at a real SMTP server, its numbers the API answers', { timeout: 300_000 }, () => {
  let stack: Stack
  let smtp: StartedSmtpContainer
  let config: string
  let url: string
  const T = Date.now()

  /** `twinflow report run daily-revenue [args]` to its end: its exit code and the run it printed. */
  async function reportRun(...args: string[]): Promise<{ code: number | null; record: RunRecord }> {
    const p = await TwinflowProcess.start({
      name: `report run ${args.join(' ')}`.trim(),
      args: ['report', 'run', 'daily-revenue', '--config', config, ...args],
      echo: settings.verbose,
    })
    stack.processes.push(p)
    const exit = await p.finished(120_000)
    const out = p.output()
    const start = out.indexOf('{\n  "')
    const end = out.indexOf('\n}', start)
    if (start < 0 || end < 0) throw new Error(`report run printed no record:\n${p.tail()}`)
    return { code: exit.code, record: JSON.parse(out.slice(start, end + 2)) as RunRecord }
  }

  beforeAll(async () => {
    const [started, server] = await Promise.all([Stack.start({ images: env.images }), new SmtpContainer(env.images.TWINFLOW_SMTP_IMAGE).start()])
    stack = started
    smtp = server
    await stack.createTopics()
    config = stack.writeConfig({
      sinks: [
        {
          plugin: 'email',
          name: 'team-mail',
          kinds: ['report'],
          options: { ...(await smtp.getClientOptions()), from: 'Twinflow <reports@shop.test>', to: [TEAM], subjectPrefix: '[e2e] ' },
        },
      ],
      reports: { channels: { 'daily-revenue': ['team-mail'] } },
    })
    const [, , serve] = await Promise.all([stack.startRole('archiver', config), stack.startRole('speed', config), stack.startServe(config)])
    url = serve.url
    // Three days of orders and page views up to now: "yesterday" in Jakarta is in the batch version
    // after the run below, today's hours in the speed layer.
    await stack.produce(TOPICS.orders, generateOrders(20_000, { seed: 71, from: T - 72 * HOUR, to: T }))
    await stack.produce(TOPICS.pageViews, generatePageViews(8_000, { seed: 72, from: T - 72 * HOUR, to: T }))
    await expectLagReturnsToZero(stack.kafka.getClientOptions().brokers, 120_000)
    const batch = await stack.batchRun(config)
    expect(batch.code, batch.process.tail()).toBe(0)
  }, 280_000)

  afterAll(async () => {
    await stack?.stop()
    await smtp?.stop()
  }, 120_000)

  it('`twinflow report run` sends it over STARTTLS with login; the mail has the API numbers and the chart inline', async () => {
    onTestFailed(() => console.error(stack.report()))
    const { code, record } = await reportRun()
    expect(code).toBe(0)
    expect(record).toMatchObject({ status: 'sent', trigger: 'manual', late: false, deliveries: [{ channel: 'team-mail', status: 'delivered', attempts: 1 }] })
    // Yesterday in Jakarta: a day from local midnight (UTC+7, no DST).
    expect(record.period.to - record.period.from).toBe(24 * HOUR)
    expect(new Date(record.period.from).getUTCHours()).toBe(17)

    const mails = await smtp.messages(TEAM)
    expect(mails).toHaveLength(1)
    const mail = mails[0]!.parsed
    expect(mail.subject).toBe('[e2e] Online store: revenue yesterday')
    // The display name as sent (nodemailer quotes it: From: "Twinflow" <reports@shop.test>).
    expect(mail.from?.value).toEqual([{ name: 'Twinflow', address: 'reports@shop.test' }])
    expect(mail.headers.get('x-twinflow-notification-id')).toBe(record.runId)
    // The server saw TLS and a login (its Received header says so).
    expect(String(mail.headers.get('received'))).toMatch(/with esmtpsa .*\(TLS1\.[23]\)/)

    // The HTML table's rows are the API's answer for the same range, formatted.
    const from = new Date(record.period.from).toISOString()
    const to = new Date(record.period.to).toISOString()
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ shopRevenueTop(from: "${from}", to: "${to}", by: REVENUE_CENTS, limit: 10) { rows { shop orders revenueCents avgOrderCents } } }` }),
    })
    const api = ((await response.json()) as { data: { shopRevenueTop: { rows: Record<string, number | string>[] } } }).data.shopRevenueTop.rows
    expect(api.length).toBeGreaterThan(0)
    const fmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 })
    expect(firstTableRows(String(mail.html))).toEqual(
      api.map((r) => [String(r.shop), fmt.format(Number(r.orders)), fmt.format(Number(r.revenueCents)), fmt.format(Number(r.avgOrderCents))]),
    )
    expect(mail.text).toContain('Top 10 shops by revenue')

    // The chart: one inline PNG part whose Content-ID the HTML shows.
    expect(mail.attachments).toHaveLength(1)
    const [chart] = mail.attachments
    expect(chart!.contentType).toBe('image/png')
    expect(chart!.contentDisposition).toBe('inline')
    const cid = chart!.contentId!.replace(/^<|>$/g, '')
    expect(String(mail.html)).toContain(`src="cid:${cid}"`)
    expect(chart!.content.subarray(1, 4).toString()).toBe('PNG')
    expect([chart!.content.readUInt32BE(16), chart!.content.readUInt32BE(20)]).toEqual([1440, 720])
  })

  it('a scheduled run is sent once, whichever process asks: a second process finds it sent', async () => {
    // This morning's 07:00 run in Jakarta (or yesterday's, before 07:00), sent by hand, late.
    const first = await reportRun('--at', new Date(T).toISOString())
    expect(first.code).toBe(0)
    expect(first.record).toMatchObject({ status: 'sent', trigger: 'catch-up', late: true })
    const second = await reportRun('--at', new Date(T).toISOString())
    expect(second.code).toBe(0)
    expect(second.record).toMatchObject({ status: 'skipped', runId: first.record.runId })
    const mails = await smtp.messages(TEAM)
    expect(mails.map((m) => m.parsed.headers.get('x-twinflow-notification-id'))).toEqual([expect.stringMatching(/^report\/daily-revenue\/manual\//), first.record.runId])
    expect(mails[1]!.parsed.text).toMatch(/Sent late: this report was due at \d{4}-\d\d-\d\d 07:00\./)
  })
})
