import { createClient, type Client } from 'graphql-sse'
import type { DashboardSettings } from '../settings.ts'

/** A failed request: GraphQL errors, or an HTTP status (401: the credential was refused). */
export class RequestError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message)
  }
}

interface GraphQLResponse<T> {
  data?: T
  errors?: { message: string }[]
}

/**
 * The API of the server that served the page: queries over POST, subscriptions over SSE (the
 * graphql-sse protocol, one connection per subscription), with the caller's credential in the
 * header the server's authentication reads.
 */
export class GraphQLClient {
  readonly #sse: Client

  constructor(
    private readonly settings: DashboardSettings,
    private readonly credential: () => string | null,
    private readonly onUnauthorized: () => void,
  ) {
    this.#sse = createClient({ url: settings.graphqlPath, headers: () => this.headers(), retryAttempts: 3 })
  }

  headers(): Record<string, string> {
    const credential = this.credential()
    const auth = this.settings.auth
    if (!credential || auth.mode === 'none') return {}
    return auth.mode === 'api-key' ? { [auth.header]: credential } : { authorization: `Bearer ${credential}` }
  }

  async query<T>(query: string, variables: Record<string, unknown> = {}, signal?: AbortSignal): Promise<T> {
    const res = await fetch(this.settings.graphqlPath, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...this.headers() },
      body: JSON.stringify({ query, variables }),
      signal,
    })
    if (res.status === 401) {
      this.onUnauthorized()
      throw new RequestError('The server refused the credential.', 401)
    }
    const body = (await res.json().catch(() => null)) as GraphQLResponse<T> | null
    if (body?.errors?.length) throw new RequestError(body.errors.map((e) => e.message).join('; '), res.status)
    if (!res.ok || !body?.data) throw new RequestError(`The server answered ${res.status}.`, res.status)
    return body.data
  }

  /** Calls `next` with each answer the server pushes; returns the function that ends the subscription. */
  subscribe<T>(query: string, variables: Record<string, unknown>, next: (data: T) => void, error: (error: RequestError) => void): () => void {
    return this.#sse.subscribe<T>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors?.length) error(new RequestError(result.errors.map((e) => e.message).join('; '), null))
          else if (result.data) next(result.data as T)
        },
        error: (cause) => {
          const status = cause instanceof Response ? cause.status : null
          if (status === 401) this.onUnauthorized()
          error(new RequestError(cause instanceof Error ? cause.message : status ? `The server answered ${status}.` : String(cause), status))
        },
        complete: () => {},
      },
    )
  }
}
