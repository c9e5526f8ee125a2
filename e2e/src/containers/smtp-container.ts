import { simpleParser, type ParsedMail } from 'mailparser'
import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers'

export const SMTP_PORT = 25
export const SMTPS_PORT = 465

export interface SmtpAccount {
  user: string
  password: string
}

/**
 * A real SMTP server (`TWINFLOW_SMTP_IMAGE`: the offline `twinflow/exim`, Debian's Exim 4.96):
 * STARTTLS on 25 and SMTPS on 465 with a self-signed certificate made at start for `hostname`,
 * AUTH required and offered over TLS only, every message delivered to one maildir with an
 * Envelope-to header (see build_smtp in e2e/images/build-images.sh).
 */
export class SmtpContainer extends GenericContainer {
  #account: SmtpAccount = { user: 'twinflow', password: 'twinflow-secret' }
  #hostname = 'smtp.test'

  constructor(image: string) {
    super(image)
    this.withExposedPorts(SMTP_PORT, SMTPS_PORT)
      .withWaitStrategy(Wait.forAll([Wait.forLogMessage(/smtp ready/), Wait.forListeningPorts()]))
      .withStartupTimeout(60_000)
  }

  withAccount(account: SmtpAccount): this {
    this.#account = { ...account }
    return this
  }

  /** The name the server's certificate is made for (what a client checks it against). */
  withTlsHostname(hostname: string): this {
    this.#hostname = hostname
    return this
  }

  override async start(): Promise<StartedSmtpContainer> {
    this.withEnvironment({ SMTP_HOSTNAME: this.#hostname, SMTP_USER: this.#account.user, SMTP_PASSWORD: this.#account.password })
    return new StartedSmtpContainer(await super.start(), this.#account, this.#hostname)
  }
}

export class StartedSmtpContainer extends AbstractStartedContainer {
  constructor(
    started: StartedTestContainer,
    readonly account: SmtpAccount,
    readonly tlsHostname: string,
  ) {
    super(started)
  }

  /** The server's certificate (PEM), for a client to trust. */
  async certificate(): Promise<string> {
    const result = await this.exec(['cat', '/etc/exim4/tls/cert.pem'])
    if (result.exitCode !== 0) throw new Error(`cannot read the SMTP server's certificate: ${result.output}`)
    return result.output
  }

  /**
   * Options of the `email` channel plugin for this server: STARTTLS on the mapped port 25, the
   * account, and the server's certificate trusted and checked against its name (not the host's).
   */
  async getClientOptions(): Promise<{ host: string; port: number; requireTLS: true; auth: { user: string; pass: string }; tls: { ca: string; servername: string } }> {
    return {
      host: this.getHost(),
      port: this.getMappedPort(SMTP_PORT),
      requireTLS: true,
      auth: { user: this.account.user, pass: this.account.password },
      tls: { ca: await this.certificate(), servername: this.tlsHostname },
    }
  }

  /**
   * The messages delivered to `recipient` so far (by their Envelope-to header), oldest first, as
   * stored (raw) and parsed by mailparser, whose `html` keeps its `cid:` links as sent (mailparser
   * would otherwise inline the parts as data: URLs).
   */
  async messages(recipient: string): Promise<{ raw: Buffer; parsed: ParsedMail }[]> {
    const dir = '/var/vmail/inbox/new'
    const list = await this.exec(['sh', '-c', `ls -1tr ${dir} 2>/dev/null || true`])
    const files = list.output.split('\n').filter((f) => /^[\w.,:=-]+$/.test(f))
    const out: { raw: Buffer; parsed: ParsedMail }[] = []
    for (const file of files) {
      // base64 through exec: the output stream is text, a message may be binary.
      const read = await this.exec(['sh', '-c', `base64 -w0 ${dir}/${file}`])
      if (read.exitCode !== 0) throw new Error(`cannot read ${dir}/${file}: ${read.output}`)
      const raw = Buffer.from(read.stdout.trim(), 'base64')
      const parsed = await simpleParser(raw, { keepCidLinks: true })
      const to = String(parsed.headers.get('envelope-to') ?? '').toLowerCase()
      if (to.split(/,\s*/).includes(recipient.toLowerCase())) out.push({ raw, parsed })
    }
    return out
  }
}
