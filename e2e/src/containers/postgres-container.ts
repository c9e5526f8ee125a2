import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers'
import { waitForSql } from './sql-readiness.ts'
import { type SqlCredentials, StartedSqlContainer } from './started-sql-container.ts'

export const POSTGRES_PORT = 5432

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

/** A started PostgreSQL server. */
export class StartedPostgresContainer extends StartedSqlContainer {
  constructor(started: StartedTestContainer, credentials: SqlCredentials) {
    super(started, credentials, 'postgres', POSTGRES_PORT)
  }
}
