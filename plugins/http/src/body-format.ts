/** How a request body is written: NDJSON, a JSON array of objects, or CSV/TSV with a header line. */
export type BodyFormat = { kind: 'ndjson' } | { kind: 'json' } | { kind: 'csv'; delimiter: ',' | '\t' }

/** The content types the ingest route reads, for 415 answers and the docs. */
export const ACCEPTED_CONTENT_TYPES = [
  'application/x-ndjson',
  'application/ndjson',
  'application/jsonl',
  'application/json (an array of objects)',
  'text/csv (with a header line)',
  'text/tab-separated-values (with a header line)',
] as const

const NDJSON = new Set(['application/x-ndjson', 'application/ndjson', 'application/jsonl', 'application/x-jsonlines', 'application/jsonlines'])

/**
 * The body format of a request from its `Content-Type` and `Content-Encoding` headers, or why it
 * cannot be read (a 415): the media type decides (case-insensitive); a `charset` other than UTF-8,
 * a CSV declared without a header (`header=absent`) and any content encoding but `identity` are refused.
 */
export function bodyFormatOf(contentType: string | undefined, contentEncoding: string | undefined): { ok: true; format: BodyFormat } | { ok: false; reason: string } {
  const accepted = `send one of: ${ACCEPTED_CONTENT_TYPES.join(', ')}`
  if (contentEncoding !== undefined && contentEncoding.trim() !== '' && contentEncoding.trim().toLowerCase() !== 'identity') {
    return { ok: false, reason: `Content-Encoding "${contentEncoding}" is not supported: send the body uncompressed` }
  }
  if (contentType === undefined || contentType.trim() === '') return { ok: false, reason: `the request has no Content-Type; ${accepted}` }
  const [type = '', ...rest] = contentType.split(';')
  const media = type.trim().toLowerCase()
  const params = new Map<string, string>()
  for (const param of rest) {
    const eq = param.indexOf('=')
    if (eq < 0) continue
    params.set(
      param.slice(0, eq).trim().toLowerCase(),
      param
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, '$1')
        .toLowerCase(),
    )
  }
  const charset = params.get('charset')
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') return { ok: false, reason: `charset "${charset}" is not supported: send UTF-8` }
  if (NDJSON.has(media)) return { ok: true, format: { kind: 'ndjson' } }
  if (media === 'application/json') return { ok: true, format: { kind: 'json' } }
  if (media === 'text/csv' || media === 'text/tab-separated-values') {
    if (params.get('header') === 'absent') return { ok: false, reason: 'CSV without a header line is not accepted: send the column names as the first line' }
    return { ok: true, format: { kind: 'csv', delimiter: media === 'text/csv' ? ',' : '\t' } }
  }
  return { ok: false, reason: `Content-Type "${media}" is not accepted; ${accepted}` }
}
