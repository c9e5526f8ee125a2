import type { IncomingHttpHeaders } from 'node:http'

/** A Node request's headers as fetch `Headers` (what authenticators read). */
export function headersOf(incoming: IncomingHttpHeaders): Headers {
  const headers = new Headers()
  for (const [name, value] of Object.entries(incoming)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  return headers
}
