/** Posts a GraphQL request over HTTP and returns the JSON body (data and errors). */
export async function graphqlRequest<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<{ data?: T; errors?: { message: string; extensions?: Record<string, unknown> }[] }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ query, variables }) })
  return (await response.json()) as { data?: T; errors?: { message: string }[] }
}
