import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers'
import { waitForSql } from './sql-readiness.ts'

export const POSTGRES_PORT = 5432

export interface SqlCredentials {
  user: string
  password: string
  database: string
}

/**
 * PostgreSQL (`TWINFLOW_POSTGRES_IMAGE`: the offline `twinflow/postgres` 15 or the official
 * `postgres:15`), with a user, password and database made at its first start (POSTGRES_* env).
 */
export class PostgresContainer extends GenericContainer {
  #credentials: SqlCredentials = { user: 'twinflow', password: 'twinflow', database: 'shop' }

  constructor(image: string) {
    super(image)
    this.withExposedPorts(POSTGRES_PORT)
      .withWaitStrategy(Wait.forLogMessage(/database system is ready to accept connections/))
      .withStartupTimeout(120_000)
  }

  withCredentials(credentials: SqlCredentials): this {
    this.#credentials = { ...credentials }
    return this
  }

  override async start(): Promise<StartedPostgresContainer> {
    const { user, password, database } = this.#credentials
    this.withEnvironment({ POSTGRES_USER: user, POSTGRES_PASSWORD: password, POSTGRES_DB: database })
    const started = new StartedPostgresContainer(await super.start(), this.#credentials)
    await waitForSql(started.getUrl())
    return started
  }
}

export class StartedPostgresContainer extends AbstractStartedContainer {
  constructor(
    started: StartedTestContainer,
    readonly credentials: SqlCredentials,
  ) {
    super(started)
  }

  getUrl(): string {
    const { user, password, database } = this.credentials
    return `postgres://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${this.getHost()}:${this.getMappedPort(POSTGRES_PORT)}/${encodeURIComponent(database)}`
  }

  /** Connection options of the `sql` source plugin. */
  getClientOptions(): { url: string } {
    return { url: this.getUrl() }
  }
}
