import { AbstractStartedContainer, type StartedTestContainer } from 'testcontainers'

export interface SqlCredentials {
  user: string
  password: string
  database: string
}

/** A started database server (PostgreSQL or MariaDB): its URL for the `sql` source and the tests' clients. */
export class StartedSqlContainer extends AbstractStartedContainer {
  constructor(
    started: StartedTestContainer,
    readonly credentials: SqlCredentials,
    private readonly scheme: 'postgres' | 'mysql',
    private readonly port: number,
  ) {
    super(started)
  }

  getUrl(): string {
    const { user, password, database } = this.credentials
    return `${this.scheme}://${encodeURIComponent(user)}:${encodeURIComponent(password)}@${this.getHost()}:${this.getMappedPort(this.port)}/${encodeURIComponent(database)}`
  }

  /** Connection options of the `sql` source plugin. */
  getClientOptions(): { url: string } {
    return { url: this.getUrl() }
  }
}
