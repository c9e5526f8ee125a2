/**
 * The URL of the link with relation `rel` in an RFC 8288 `Link` header (`<https://x/?page=2>;
 * rel="next", <...>; rel="last"`), resolved against `base`; null when there is none or the
 * header cannot be read.
 */
export function linkOf(header: string | null, rel: string, base: string): string | null {
  if (!header) return null
  let i = 0
  const n = header.length
  const skip = (chars: string) => {
    while (i < n && chars.includes(header[i]!)) i++
  }
  while (i < n) {
    skip(' \t,')
    if (i >= n) break
    if (header[i] !== '<') return null
    const close = header.indexOf('>', i)
    if (close < 0) return null
    const target = header.slice(i + 1, close)
    i = close + 1
    let rels: string[] = []
    for (;;) {
      skip(' \t')
      if (header[i] !== ';') break
      i++
      skip(' \t')
      const nameStart = i
      while (i < n && !'=;, \t'.includes(header[i]!)) i++
      const name = header.slice(nameStart, i).toLowerCase()
      skip(' \t')
      let value = ''
      if (header[i] === '=') {
        i++
        skip(' \t')
        if (header[i] === '"') {
          i++
          while (i < n && header[i] !== '"') {
            if (header[i] === '\\') i++
            value += header[i] ?? ''
            i++
          }
          i++
        } else {
          const start = i
          while (i < n && !';, \t'.includes(header[i]!)) i++
          value = header.slice(start, i)
        }
      }
      if (name === 'rel') rels = value.toLowerCase().split(/\s+/)
    }
    if (rels.includes(rel)) {
      try {
        return new URL(target, base).href
      } catch {
        return null
      }
    }
  }
  return null
}
