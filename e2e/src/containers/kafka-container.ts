import { Kafka, logLevel } from 'kafkajs'
import { AbstractStartedContainer, GenericContainer, Wait, type InspectResult, type StartedTestContainer } from 'testcontainers'
import { dockerControl } from './docker-control.ts'

export const KAFKA_PORT = 9092
const BROKER_PORT = 9093
const STARTER = '/tmp/testcontainers_start.sh'
const READY = /Transitioning from RECOVERY to RUNNING/

/**
 * A single-node KRaft Kafka (`TWINFLOW_KAFKA_IMAGE`, `TWINFLOW_KAFKA4_IMAGE`: the offline
 * `twinflow/kafka:<version>` or the official `apache/kafka:<version>`).
 *
 * The advertised listener must be the mapped host port, known only once the container runs; so,
 * as Testcontainers' own Kafka modules do, the container first waits for a starter script, which
 * is copied in with the port (then a flag file, so no half-written script is run) and execs the
 * image's `/etc/kafka/docker/run`. `start()` resolves when the broker is RUNNING and its group
 * coordinator answers (a fresh broker first creates `__consumer_offsets`; a group that joins while
 * it loads can stall for a rebalance timeout).
 */
export class KafkaContainer extends GenericContainer {
  constructor(image: string) {
    super(image)
    this.withExposedPorts(KAFKA_PORT)
      .withEnvironment({
        CLUSTER_ID: '4L6g3nShT-eMCtK--X86sw',
        KAFKA_NODE_ID: '1',
        KAFKA_PROCESS_ROLES: 'broker,controller',
        KAFKA_LISTENERS: `PLAINTEXT://:${KAFKA_PORT},BROKER://:${BROKER_PORT},CONTROLLER://:9094`,
        KAFKA_LISTENER_SECURITY_PROTOCOL_MAP: 'BROKER:PLAINTEXT,PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
        KAFKA_INTER_BROKER_LISTENER_NAME: 'BROKER',
        KAFKA_CONTROLLER_LISTENER_NAMES: 'CONTROLLER',
        KAFKA_CONTROLLER_QUORUM_VOTERS: '1@localhost:9094',
        KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR: '1',
        KAFKA_OFFSETS_TOPIC_NUM_PARTITIONS: '1',
        KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR: '1',
        KAFKA_TRANSACTION_STATE_LOG_MIN_ISR: '1',
        KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS: '0',
      })
      .withCommand(['sh', '-c', `echo "Waiting for script..."; while [ ! -f ${STARTER}.ready ]; do sleep 0.1; done; exec bash ${STARTER}`])
      .withWaitStrategy(Wait.forLogMessage('Waiting for script...'))
      .withStartupTimeout(120_000)
  }

  /** Lets a consumer-group member be silent this long at most (the broker's lower bound of session timeouts). */
  withMinSessionTimeout(ms: number): this {
    return this.withEnvironment({ KAFKA_GROUP_MIN_SESSION_TIMEOUT_MS: String(ms) })
  }

  protected override async containerStarted(container: StartedTestContainer, _inspect: InspectResult, _reused: boolean): Promise<void> {
    const bootstrap = `${container.getHost()}:${container.getMappedPort(KAFKA_PORT)}`
    await container.copyContentToContainer([
      {
        content: `#!/bin/bash\nexport KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://${bootstrap},BROKER://${container.getHostname()}:${BROKER_PORT}\nexec /etc/kafka/docker/run\n`,
        target: STARTER,
        mode: 0o755,
      },
    ])
    await container.copyContentToContainer([{ content: '', target: `${STARTER}.ready` }])
    await waitForLog(container, READY, 120_000)
    await waitForGroupCoordinator(bootstrap)
  }

  override async start(): Promise<StartedKafkaContainer> {
    return new StartedKafkaContainer(await super.start())
  }
}

export class StartedKafkaContainer extends AbstractStartedContainer {
  getBrokers(): string[] {
    return [`${this.getHost()}:${this.getMappedPort(KAFKA_PORT)}`]
  }

  /** Options of the `kafka` event-log and dead-letter plugins (and kafkajs' `brokers`). */
  getClientOptions(): { brokers: string[] } {
    return { brokers: this.getBrokers() }
  }

  /** Freezes the broker (SIGSTOP to its JVM, see `dockerControl.freeze`): connections stay open, nothing answers. */
  async freeze(): Promise<void> {
    await dockerControl.freeze(this.startedTestContainer)
  }

  /** Lets a frozen broker run again. */
  async thaw(): Promise<void> {
    await dockerControl.thaw(this.startedTestContainer)
  }

  /** Runs a Kafka CLI tool inside the container against the inter-broker listener, e.g. `kafka-consumer-groups.sh --describe --all-groups`. */
  async tool(script: string, ...args: string[]): Promise<string> {
    const result = await this.exec([`/opt/kafka/bin/${script}`, '--bootstrap-server', `localhost:${BROKER_PORT}`, ...args])
    if (result.exitCode !== 0) throw new Error(`${script} ${args.join(' ')} exited with ${result.exitCode}: ${result.output}`)
    return result.output
  }
}

async function waitForLog(container: StartedTestContainer, pattern: RegExp, timeoutMs: number): Promise<void> {
  const stream = await container.logs()
  await new Promise<void>((resolve, reject) => {
    let seen = ''
    const timer = setTimeout(() => finish(new Error(`Kafka did not log ${pattern} within ${timeoutMs} ms; last output:\n${seen.slice(-2000)}`)), timeoutMs)
    const finish = (error?: Error) => {
      clearTimeout(timer)
      stream.removeAllListeners('data')
      stream.destroy()
      if (error) reject(error)
      else resolve()
    }
    stream.on('data', (chunk: Buffer | string) => {
      seen = (seen + chunk.toString()).slice(-20_000)
      if (pattern.test(seen)) finish()
    })
    stream.on('error', (error: Error) => finish(error))
    stream.on('end', () => finish(new Error(`Kafka's log ended before ${pattern}; last output:\n${seen.slice(-2000)}`)))
  })
}

async function waitForGroupCoordinator(broker: string): Promise<void> {
  const admin = new Kafka({
    clientId: 'twinflow-e2e-warmup',
    brokers: [broker],
    logLevel: logLevel.NOTHING,
    retry: { retries: 20, initialRetryTime: 200, maxRetryTime: 2000 },
  }).admin()
  await admin.connect()
  try {
    await admin.describeGroups(['twinflow-e2e-warmup'])
  } finally {
    await admin.disconnect()
  }
}
