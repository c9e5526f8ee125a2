import { createHmac } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { count, createJsonLogger, definePipeline, defineStream, defineView, distinct, isMasked, t, TOKENS, type LogRecord } from '@twinflow/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestPipeline } from './create-test-pipeline.ts'
import type { TestPipeline } from './test-pipeline.ts'

// The raw personal values every ingress gets; none may be found anywhere Twinflow writes.
const EMAIL = 'alice.raw@example.com'
const PHONE = '+33 6 12 34 56 78'
const NAME = 'Alice Rawlings'
const RAW = [EMAIL, PHONE, NAME, 'alice.raw']
const SECRET = 'an-integration-test-secret-0123456789'
const hmac = (value: string) => createHmac('sha256', SECRET).update(value).digest('hex')

const signups = defineStream('signups', {
  email: t.string().pii('hash'),
  phone: t.string().optional().pii('redact', { keep: 2 }),
  name: t.string().optional().pii('drop'),
  plan: t.string(),
  ts: t.eventTime(),
})
const byEmail = defineView('byEmail', signups, { groupBy: (s) => ({ email: s.email, phone: s.phone }), window: '1h', measures: () => ({ signups: count() }) })
const byPlan = defineView('byPlan', signups, { groupBy: (s) => ({ plan: s.plan }), window: '1h', measures: (s) => ({ signups: count(), people: distinct(s.email) }) })
const pipeline = definePipeline({ streams: [signups], views: [byEmail, byPlan] })

const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 9, minute)).toISOString()
const alice = (minute: number, plan = 'pro') => ({ email: EMAIL, phone: PHONE, name: NAME, plan, ts: at(minute) })

describe('personal fields are masked at every ingress, and nowhere raw', () => {
  let tf: TestPipeline
  let dir: string
  const lines: string[] = []

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'twinflow-pii-'))
    // A source's file: two valid rows of Alice, one of Bob, one with a bad time.
    await writeFile(
      join(dir, 'signups.csv'),
      `email,phone,name,plan,ts\n${EMAIL},${PHONE},${NAME},pro,${at(1)}\n${EMAIL},,${NAME},free,${at(2)}\nbob@example.com,0600000042,Bob,pro,${at(3)}\n${EMAIL},${PHONE},${NAME},pro,yesterday\n`,
    )
    tf = await createTestPipeline({
      pipeline,
      now: '2026-11-23T12:30:00Z',
      logger: createJsonLogger({ level: 'debug', write: (line) => lines.push(line) }),
      config: {
        pii: { secret: SECRET },
        sources: [
          { plugin: 'file', name: 'csv', options: { stream: 'signups', path: join(dir, 'signups.csv') } },
          { plugin: 'http', name: 'http', options: { stream: 'signups' } },
        ],
      },
    })
  })
  afterAll(async () => {
    await tf?.stop()
    await rm(dir, { recursive: true, force: true })
  })

  it('masks what a source, http ingest, load, the test kit and an outside producer bring, and the hash still groups', async () => {
    const letters = async () => (await tf.twinflow.get(TOKENS.DeadLetterQueue).read({ stream: 'signups', limit: 1000 })).letters
    // 1. The file source: 3 valid rows, 1 dead letter.
    await until(async () => (await endOffsets()) >= 3 && (await letters()).some((l) => l.stage === 'ingest'))
    // 2. http ingest: a valid event, one missing its plan, and a line that is not JSON.
    const body = `${JSON.stringify(alice(4))}\n${JSON.stringify({ ...alice(5), plan: undefined })}\n{"email":"${EMAIL}", "phone": "${PHONE}"\n`
    const response = await fetch(`${tf.baseUrl}/ingest/signups`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body })
    expect(await response.json()).toMatchObject({ accepted: 1, rejected: [{ line: 2 }, { line: 3 }] })
    // 3. The test kit: a valid event and an invalid one.
    await tf.send('signups', [alice(6), { ...alice(7), ts: 'soon' }])
    // 4. An outside producer writes the topic directly, unmarked: a valid event and an invalid one.
    await tf.twinflow
      .get(TOKENS.EventLog)
      .produce(signups.topic, [{ value: Buffer.from(JSON.stringify(alice(8, 'free'))) }, { value: Buffer.from(JSON.stringify({ ...alice(9), plan: 7 })) }])
    await tf.settle()
    // 5. A loaded file of history: a valid row and an invalid one.
    const history = join(dir, 'history.ndjson')
    await writeFile(history, `${JSON.stringify(alice(10))}\n${JSON.stringify({ ...alice(11), ts: 'never' })}\n`)
    expect(await tf.load('signups', [history])).toMatchObject({ inserted: 2, rejected: 1 })
    await tf.runBatch()

    // Alice's 6 valid events under one hash (2 from the file, http, test kit, outside producer, load),
    // her redacted phone (the CSV row without one: empty); Bob under his own.
    const { byEmail: rows } = await tf.query(`{ byEmail(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z", granularity: DAY) { rows { email phone signups } } }`)
    expect(new Set(rows.rows)).toEqual(
      new Set([
        { email: hmac(EMAIL), phone: '***78', signups: 5 },
        { email: hmac(EMAIL), phone: '', signups: 1 }, // CSV's empty phone: a string, redacted to itself
        { email: hmac('bob@example.com'), phone: '***42', signups: 1 },
      ]),
    )
    const { byPlan: plans } = await tf.query(`{ byPlan(from: "2026-11-23T00:00:00Z", to: "2026-11-24T00:00:00Z", granularity: DAY) { rows { plan signups people } } }`)
    expect(new Set(plans.rows)).toEqual(
      new Set([
        { plan: 'pro', signups: 5, people: 2 },
        { plan: 'free', signups: 2, people: 1 },
      ]),
    )

    // Every dead letter is there (file, http x2, test kit, outside producer, load), none with a raw value.
    const dead = await letters()
    expect(dead.map((l) => l.stage).sort()).toEqual(['archiver', 'archiver', 'ingest', 'ingest', 'ingest', 'load'])
    // The log holds what Twinflow masked (marked), and the outside producer's 2 records as they wrote them.
    const records = await logRecords()
    const marked = records.filter((r) => isMasked(r.headers))
    expect(records.length - marked.length).toBe(2)
    const places: Record<string, string> = {
      'dead letters': JSON.stringify(dead.map((l) => ({ ...l, payload: l.payload.toString('utf8') }))),
      'log (marked)': marked.map((r) => `${JSON.stringify(r.headers)} ${r.key ?? ''} ${r.value.toString('utf8')}`).join('\n'),
      'master table': JSON.stringify(await tf.twinflow.get(TOKENS.ClickHouseDriver).query('SELECT * FROM tf_master_signups')),
      'realtime store': JSON.stringify(await Promise.all(pipeline.views.map((v) => tf.twinflow.get(TOKENS.RealtimeStore).readWindows(v.name, 0, Date.UTC(2100, 0, 1))))),
      'log lines': lines.join('\n'),
      // The embedded ClickHouse's files (the log's are the log's: searched above).
      'chdb files': await filesText(join(tf.twinflow.config.dataDir, 'chdb')),
    }
    // The searches can find what they look for: the hashes and the masked letters are there.
    expect(places['master table']).toContain(hmac(EMAIL))
    expect(places['dead letters']).toContain(hmac(EMAIL))
    expect(places['dead letters']).toContain('withheld')
    expect(places['log (marked)']).toContain(hmac(EMAIL))
    expect(places['log lines']).toContain('source inputs rejected')
    for (const [place, text] of Object.entries(places)) for (const raw of RAW) expect({ place, found: text.includes(raw) }).toEqual({ place, found: false })
  })

  async function endOffsets(): Promise<number> {
    let total = 0
    for (const end of (await tf.twinflow.get(TOKENS.EventLog).endOffsets(signups.topic)).values()) total += end
    return total
  }

  /** Every record of the stream's topic, read by a group of its own from the start. */
  async function logRecords(): Promise<LogRecord[]> {
    const log = tf.twinflow.get(TOKENS.EventLog)
    const total = await endOffsets()
    const records: LogRecord[] = []
    const consumer = await log.consume({
      groupId: 'pii-search',
      topics: [signups.topic],
      resumeFrom: async (_topic, partitions) => new Map(partitions.map((p) => [p, 0])),
      eachBatch: async (batch) => void records.push(...batch.records.map((r) => ({ offset: r.offset, key: r.key, value: r.value, timestamp: r.timestamp, headers: r.headers }))),
    })
    await until(async () => records.length >= total)
    await consumer.stop()
    return records
  }
})

async function until(condition: () => Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 50))
  }
}

/** The bytes of every file under `dir`, as latin1 text (to search for raw UTF-8 bytes). */
async function filesText(dir: string): Promise<string> {
  const parts: string[] = []
  for (const entry of await readdir(dir, { recursive: true })) {
    const path = join(dir, entry)
    if ((await stat(path)).isFile()) parts.push((await readFile(path)).toString('latin1'))
  }
  return parts.join('\n')
}
