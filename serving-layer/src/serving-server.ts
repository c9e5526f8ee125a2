import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createYoga, type YogaServerInstance } from 'graphql-yoga'
import type { GraphQLSchema } from 'graphql'
import type { Logger } from '@twinflow/core'

export interface ServingServerOptions {
  /** @default 4000 */
  port?: number
  /** @default '127.0.0.1' */
  host?: string
  /** @default '/graphql' */
  path?: string
  /** GraphiQL in the browser at the GraphQL path. @default true */
  graphiql?: boolean
}

/** The GraphQL HTTP server (graphql-yoga). Unexpected errors are masked; their details go to the log. */
export class ServingServer {
  readonly yoga: YogaServerInstance<object, object>
  #server: Server | null = null

  constructor(
    schema: GraphQLSchema,
    private readonly logger: Logger,
    private readonly options: ServingServerOptions = {},
  ) {
    this.yoga = createYoga({
      schema,
      graphqlEndpoint: options.path ?? '/graphql',
      graphiql: options.graphiql ?? true,
      landingPage: false,
      maskedErrors: {
        maskError: (error, message) => {
          logger.error('graphql request failed', { error })
          const original = (error as { originalError?: unknown }).originalError
          if (original && (original as { extensions?: { code?: string } }).extensions?.code) return error as Error
          return new Error(message)
        },
      },
      logging: {
        debug: (...args) => logger.debug(String(args[0]), { args: args.slice(1) }),
        info: (...args) => logger.info(String(args[0])),
        warn: (...args) => logger.warn(String(args[0])),
        error: (...args) => logger.error(String(args[0]), { args: args.slice(1) }),
      },
    })
  }

  /** Starts listening; resolves to the GraphQL URL. */
  async start(): Promise<string> {
    const server = createServer(this.yoga)
    this.#server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(this.options.port ?? 4000, this.options.host ?? '127.0.0.1', () => resolve())
    })
    const address = server.address() as AddressInfo
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    const url = `http://${host}:${address.port}${this.options.path ?? '/graphql'}`
    this.logger.info('serving GraphQL', { url })
    return url
  }

  async stop(): Promise<void> {
    const server = this.#server
    this.#server = null
    if (!server) return
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
