import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

/** A self-signed certificate for `localhost` and 127.0.0.1, made with the system's openssl. */
export function selfSignedCertificate(): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'twinflow-cert-'))
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '2',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost,IP:127.0.0.1',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    )
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export interface ReceivedMail {
  envelope: { from: string; to: string[] }
  /** Whether the session was upgraded to TLS before the mail (STARTTLS). */
  secure: boolean
  user: string | undefined
  raw: Buffer
  parsed: ParsedMail
}

/**
 * A real SMTP server in the test's process (the `smtp-server` library): STARTTLS with a
 * self-signed certificate, AUTH PLAIN/LOGIN required and allowed only over TLS, every mail parsed
 * with mailparser. `failNext(code)` answers the next DATA with that SMTP code.
 */
export class TestSmtpServer {
  readonly received: ReceivedMail[] = []
  readonly certificate = selfSignedCertificate()
  readonly #server: SMTPServer
  readonly #failures: number[] = []
  #port = 0

  constructor(
    readonly user = 'reports',
    readonly password = 's3cret',
  ) {
    this.#server = new SMTPServer({
      key: this.certificate.key,
      cert: this.certificate.cert,
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: false,
      logger: false,
      onAuth: (auth, _session, callback) => {
        if (auth.username === this.user && auth.password === this.password) callback(null, { user: auth.username })
        else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }))
      },
      onMailFrom: (_address, session, callback) => {
        if (!session.user) return callback(Object.assign(new Error('Authentication required'), { responseCode: 530 }))
        callback()
      },
      onData: (stream, session, callback) => {
        const chunks: Buffer[] = []
        stream.on('data', (c: Buffer) => chunks.push(c))
        stream.on('end', () => {
          const failure = this.#failures.shift()
          if (failure !== undefined) return callback(Object.assign(new Error(`rejected with ${failure}`), { responseCode: failure }))
          const raw = Buffer.concat(chunks)
          simpleParser(raw).then(
            (parsed) => {
              this.received.push({
                envelope: { from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address) },
                secure: session.secure,
                user: session.user as string | undefined,
                raw,
                parsed,
              })
              callback()
            },
            (error: Error) => callback(error),
          )
        })
      },
    })
  }

  get port(): number {
    return this.#port
  }

  /** Answers the next DATA with `code` (e.g. 451: try later; 554: refused). */
  failNext(code: number): void {
    this.#failures.push(code)
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject)
      this.#server.listen(0, '127.0.0.1', () => resolve())
    })
    this.#port = (this.#server.server.address() as { port: number }).port
    return this
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()))
  }
}
