import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers'
import { dockerControl } from './docker-control.ts'
import { freePort } from './free-port.ts'

export const CLICKHOUSE_HTTP_PORT = 8123
export const CLICKHOUSE_NATIVE_PORT = 9000

export interface ClickHouseCredentials {
  username: string
  password: string
  database: string
}

/**
 * ClickHouse (`TWINFLOW_CLICKHOUSE_IMAGE`: the offline `twinflow/clickhouse` 18.16 or the
 * official `clickhouse/clickhouse-server`). User, password and database are always set (recent
 * official images close the password-less `default` user to the network).
 */
export class ClickHouseContainer extends GenericContainer {
  #credentials: ClickHouseCredentials = { username: 'twinflow', password: 'twinflow', database: 'twinflow' }
  #stablePort = false

  constructor(image: string) {
    super(image)
    this.withWaitStrategy(Wait.forHttp('/', CLICKHOUSE_HTTP_PORT).forResponsePredicate((body) => body === 'Ok.\n')).withStartupTimeout(120_000)
  }

  withCredentials(credentials: ClickHouseCredentials): this {
    this.#credentials = { ...credentials }
    return this
  }

  /** Binds the HTTP port to a free host port chosen at start, kept across a stop and start. */
  withStableHostPort(): this {
    this.#stablePort = true
    return this
  }

  override async start(): Promise<StartedClickHouseContainer> {
    const { username, password, database } = this.#credentials
    this.withEnvironment({ CLICKHOUSE_USER: username, CLICKHOUSE_PASSWORD: password, CLICKHOUSE_DB: database })
    this.withExposedPorts(this.#stablePort ? { container: CLICKHOUSE_HTTP_PORT, host: await freePort() } : CLICKHOUSE_HTTP_PORT, CLICKHOUSE_NATIVE_PORT)
    return new StartedClickHouseContainer(await super.start(), this.#credentials)
  }
}

export class StartedClickHouseContainer extends AbstractStartedContainer {
  constructor(
    started: StartedTestContainer,
    readonly credentials: ClickHouseCredentials,
  ) {
    super(started)
  }

  getUrl(): string {
    return `http://${this.getHost()}:${this.getMappedPort(CLICKHOUSE_HTTP_PORT)}`
  }

  /** Options of the `clickhouse` driver plugin (and of @clickhouse/client's createClient). */
  getClientOptions(): { url: string; username: string; password: string; database: string } {
    return { url: this.getUrl(), ...this.credentials }
  }

  /** Stops the server: SIGTERM, SIGKILL after `graceSeconds` (the container stays, with its data and host ports). */
  async stopServer(graceSeconds = 10): Promise<void> {
    await dockerControl.stop(this.startedTestContainer, graceSeconds)
  }

  /** Starts the stopped server again and waits until it answers. */
  async startServer(timeoutMs = 60_000): Promise<void> {
    await dockerControl.start(this.startedTestContainer)
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const ok = await fetch(`${this.getUrl()}/`, { signal: AbortSignal.timeout(2000) }).then(
        async (r) => (await r.text()) === 'Ok.\n',
        () => false,
      )
      if (ok) return
      if (Date.now() > deadline) throw new Error(`ClickHouse did not answer within ${timeoutMs} ms of its restart`)
      await new Promise((r) => setTimeout(r, 200))
    }
  }
}
