import { connect } from 'node:net'
import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers'
import { dockerControl } from './docker-control.ts'
import { freePort } from './free-port.ts'

export const REDIS_PORT = 6379

/**
 * Redis (`TWINFLOW_REDIS_IMAGE`: the offline `twinflow/redis` or the official `redis`). The
 * command is `redis-server ARGS` on both; with `withStableHostPort()` the host port survives a
 * restart, so that clients (and child processes' configs) keep their URL.
 */
export class RedisContainer extends GenericContainer {
  readonly #args: string[] = []
  #stablePort = false

  constructor(image: string) {
    super(image)
    this.withWaitStrategy(Wait.forLogMessage(/Ready to accept connections/)).withStartupTimeout(60_000)
  }

  /** AOF on, fsync at every write: a restart loses nothing that was acknowledged. */
  withAppendOnly(): this {
    this.#args.push('--appendonly', 'yes', '--appendfsync', 'always')
    return this
  }

  /** Binds 6379 to a free host port chosen at start, kept across restarts. */
  withStableHostPort(): this {
    this.#stablePort = true
    return this
  }

  override async start(): Promise<StartedRedisContainer> {
    this.withCommand(['redis-server', ...this.#args])
    this.withExposedPorts(this.#stablePort ? { container: REDIS_PORT, host: await freePort() } : REDIS_PORT)
    return new StartedRedisContainer(await super.start())
  }
}

export class StartedRedisContainer extends AbstractStartedContainer {
  constructor(started: StartedTestContainer) {
    super(started)
  }

  getUrl(): string {
    return `redis://${this.getHost()}:${this.getMappedPort(REDIS_PORT)}`
  }

  /** Options of the `redis` realtime-store plugin (and `new Redis(url)`). */
  getClientOptions(): { url: string } {
    return { url: this.getUrl() }
  }

  /** Kills the server (SIGKILL: no shutdown save, only what the AOF holds survives); the container stays. */
  async kill(): Promise<void> {
    await dockerControl.stop(this.startedTestContainer, 0)
  }

  /** Starts the killed server again and waits until it answers PING (after loading its AOF). */
  async startServer(timeoutMs = 60_000): Promise<void> {
    await dockerControl.start(this.startedTestContainer)
    const deadline = Date.now() + timeoutMs
    while (!(await ping(this.getHost(), this.getMappedPort(REDIS_PORT)))) {
      if (Date.now() > deadline) throw new Error(`Redis did not answer PING within ${timeoutMs} ms of its start`)
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}

function ping(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port })
    let reply = ''
    let settled = false
    const done = (ok: boolean) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    // Docker's port proxy accepts connections while the server is down, then closes them: 'close'
    // without data or error must count as "not yet", as must a server that does not answer.
    const timer = setTimeout(() => done(false), 1000)
    socket.on('error', () => done(false))
    socket.on('close', () => done(false))
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (d) => {
      reply += d.toString()
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'))
    })
  })
}
