import { ClientError, GraphQLClient } from 'graphql-request'
import { createClient, type Client } from 'graphql-sse'

export interface GraphQLAnswer<T> {
  status: number
  headers: Headers
  data?: T | null
  errors?: { message: string; extensions?: Record<string, any> }[]
}

/**
 * A GraphQL client for tests, on graphql-request (queries over HTTP POST): returns the status,
 * headers, data and errors of every answer, including refused ones (4xx), instead of throwing.
 */
export class TestGraphQLClient {
  readonly #client: GraphQLClient

  constructor(
    readonly url: string,
    readonly headers: Record<string, string> = {},
  ) {
    this.#client = new GraphQLClient(url, { headers, errorPolicy: 'all' })
  }

  async query<T = Record<string, any>>(query: string, variables: Record<string, unknown> = {}): Promise<GraphQLAnswer<T>> {
    try {
      const res = await this.#client.rawRequest<T>(query, variables)
      return { status: res.status, headers: res.headers, data: res.data, errors: res.errors as GraphQLAnswer<T>['errors'] }
    } catch (error) {
      if (!(error instanceof ClientError)) throw error
      const { response } = error
      return { status: response.status, headers: response.headers, data: response.data as T | undefined, errors: response.errors as GraphQLAnswer<T>['errors'] }
    }
  }

  /** A graphql-sse client ("distinct connections" mode, which yoga speaks) for subscriptions. */
  sse(): Client<false> {
    return createClient({ url: this.url, headers: this.headers, retryAttempts: 0 })
  }
}
