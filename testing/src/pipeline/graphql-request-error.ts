/** One error of a GraphQL answer, as the server sent it. */
export interface GraphQLErrorBody {
  message: string
  path?: (string | number)[]
  extensions?: Record<string, unknown>
}

/** A GraphQL request that was answered with errors (or not answered with data). */
export class GraphQLRequestError extends Error {
  constructor(
    readonly status: number,
    readonly errors: readonly GraphQLErrorBody[],
  ) {
    super(`GraphQL request failed (HTTP ${status}): ${errors.map((e) => `${e.message}${e.extensions?.code ? ` [${e.extensions.code}]` : ''}`).join('; ')}`)
    this.name = 'GraphQLRequestError'
  }

  /** The `extensions.code` of each error, e.g. `BAD_USER_INPUT`. */
  get codes(): string[] {
    return this.errors.map((e) => String(e.extensions?.code ?? ''))
  }
}
