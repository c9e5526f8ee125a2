import { GraphQLError } from 'graphql'
import type { Plugin } from 'graphql-yoga'

const CONTENT_LENGTH = /^\d+$/

/**
 * The refusal. It says `Connection: close`, and Node's HTTP server ends the connection once it is
 * sent: the rest of the body is not read, and the connection cannot carry another request (a
 * chunked body left half read stalls it, and a keep-alive client's next request on it would hang).
 */
const tooLarge = (limit: number) =>
  new GraphQLError(`Request body too large (the limit is ${limit} bytes)`, {
    extensions: { http: { status: 413, headers: { connection: 'close' } }, code: 'REQUEST_ENTITY_TOO_LARGE' },
  })

/**
 * The request body limit (413 above `limit` bytes), in place of yoga's `maxRequestBodySize`, which
 * pipes every body through a counting stream. A request that states its Content-Length is checked
 * on the header alone: Node's HTTP parser delivers exactly that many bytes (a longer body is the
 * next request's bytes, a shorter one never completes), so counting them again costs a stream
 * pipeline and an AbortError per request for nothing. A body without a length (chunked) is
 * counted as it is read, as yoga does, and refused once it passes the limit. Either way the
 * connection is closed after the 413, its body unread.
 *
 * Register it after any plugin that adds a request parser: it wraps the parser chosen so far.
 */
export function useBodySizeLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const length = request.headers.get('content-length')
      if (length !== null) {
        if (!CONTENT_LENGTH.test(length)) {
          throw new GraphQLError('Content-Length header is invalid.', { extensions: { http: { status: 400 }, code: 'BAD_REQUEST' } })
        }
        if (Number(length) > limit) throw tooLarge(limit)
        return
      }
      if (requestParser == null || request.body == null) return
      const parse = requestParser
      setRequestParser((req) => {
        const body = req.body!
        let read = 0
        // A native stream needs the native TransformStream, fetchAPI's ponyfill stream its own (as yoga does).
        const Transform = body instanceof ReadableStream ? globalThis.TransformStream : fetchAPI.TransformStream
        const counted = body.pipeThrough(
          new Transform<Uint8Array, Uint8Array>({
            transform(chunk, controller) {
              read += chunk.byteLength
              if (read > limit) controller.error(tooLarge(limit))
              else controller.enqueue(chunk)
            },
          }),
        )
        // @ts-expect-error duplex is required by fetch for a stream body but missing from RequestInit's types
        return parse(new fetchAPI.Request(req.url, { method: req.method, headers: req.headers, signal: req.signal, body: counted, duplex: 'half' }))
      })
    },
  }
}
