import { GenericContainer, Wait, type StartedTestContainer } from 'testcontainers'
import { waitForSql } from './sql-readiness.ts'
import { type SqlCredentials, StartedSqlContainer } from './started-sql-container.ts'

export const MARIADB_PORT = 3306

/**
 * MariaDB (`TWINFLOW_MARIADB_IMAGE`: the offline `twinflow/mariadb` 10.11 or the official
 * `mariadb:10.11`), with a user, password and database made at start (MARIADB_* env; the
 * official image also wants a root password).
 */
export class MariadbContainer extends GenericContainer {
  #credentials: SqlCredentials = { user: 'twinflow', password: 'twinflow', database: 'shop' }

  constructor(image: string) {
    super(image)
    this.withExposedPorts(MARIADB_PORT)
      .withWaitStrategy(Wait.forLogMessage(/ready for connections/))
      .withStartupTimeout(120_000)
  }

  withCredentials(credentials: SqlCredentials): this {
    this.#credentials = { ...credentials }
    return this
  }

  override async start(): Promise<StartedMariadbContainer> {
    const { user, password, database } = this.#credentials
    this.withEnvironment({ MARIADB_USER: user, MARIADB_PASSWORD: password, MARIADB_DATABASE: database, MARIADB_ROOT_PASSWORD: password })
    const started = new StartedMariadbContainer(await super.start(), this.#credentials)
    await waitForSql(started.getUrl())
    return started
  }
}

/** A started MariaDB server. */
export class StartedMariadbContainer extends StartedSqlContainer {
  constructor(started: StartedTestContainer, credentials: SqlCredentials) {
    super(started, credentials, 'mysql', MARIADB_PORT)
  }
}
