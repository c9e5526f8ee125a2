/** A compiled JSON path: the value at it in a parsed JSON document, or undefined when there is none. */
export type JsonPath = ((document: unknown) => unknown) & { readonly text: string; readonly steps: readonly (string | number)[] }

const IDENTIFIER = /^[A-Za-z_$][\w$-]*/

/**
 * Compiles a simple JSON path: `$` (the document), names (`data.items`, `$.data.items`), indices
 * (`items[0]`) and quoted names (`$['odd key']`, `["a.b"]`). Throws an Error naming the position
 * of what it cannot read (the options schema turns it into a config error).
 */
export function compileJsonPath(text: string): JsonPath {
  const steps: (string | number)[] = []
  let i = 0
  const fail = (why: string): never => {
    throw new Error(`not a JSON path at character ${i + 1} of ${JSON.stringify(text)}: ${why}`)
  }
  if (text.startsWith('$')) i = 1
  else if (text !== '') {
    const m = IDENTIFIER.exec(text)
    if (!m) fail('expected a name, `$` or `[`')
    steps.push(m![0])
    i = m![0].length
  }
  while (i < text.length) {
    const c = text[i]
    if (c === '.') {
      const m = IDENTIFIER.exec(text.slice(i + 1))
      if (!m) fail('expected a name after `.`')
      steps.push(m![0])
      i += 1 + m![0].length
    } else if (c === '[') {
      const close = text.indexOf(']', i)
      if (close < 0) fail('`[` is not closed')
      const inner = text.slice(i + 1, close).trim()
      if (/^\d+$/.test(inner)) steps.push(Number(inner))
      else if (/^'[^']*'$|^"[^"]*"$/.test(inner)) steps.push(inner.slice(1, -1))
      else fail('expected an index or a quoted name in `[...]`')
      i = close + 1
    } else fail('expected `.` or `[`')
  }
  const get = (document: unknown): unknown => {
    let value = document
    for (const step of steps) {
      if (typeof step === 'number') {
        if (!Array.isArray(value)) return undefined
        value = value[step]
      } else {
        if (typeof value !== 'object' || value === null || Array.isArray(value) || !Object.hasOwn(value, step)) return undefined
        value = (value as Record<string, unknown>)[step]
      }
    }
    return value
  }
  return Object.assign(get, { text, steps })
}
