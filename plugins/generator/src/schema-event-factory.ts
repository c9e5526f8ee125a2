import type { StreamDef } from '@twinflow/core'

/**
 * Makes random events that satisfy a stream's schema: strings from a small pool per field
 * (skewed, like real keys), enum values, skewed integers, 2-decimal floats, booleans. A field that
 * may be missing (optional, or with a default) is left out of one event in ten, as real feeds do.
 */
export function schemaEventFactory(stream: StreamDef, cardinality: number, random: () => number): (time: number) => Record<string, unknown> {
  const makers = Object.entries(stream.fields).map(([name, type]): [string, (time: number) => unknown] => {
    switch (type.kind) {
      case 'time':
        return [name, (time) => time]
      case 'bool':
        return [name, () => random() < 0.5]
      case 'int':
        return [name, () => Math.floor(random() ** 2 * 10_000)]
      case 'float':
        return [name, () => Math.round(random() * 100_000) / 100]
      case 'string':
        if (type.values) {
          const values = type.values
          return [name, () => values[Math.floor(random() * values.length)]]
        }
        return [name, () => `${name}-${Math.floor(random() ** 1.5 * cardinality)}`]
    }
  })
  const gaps = new Set(Object.entries(stream.fields).flatMap(([name, type]) => (type.nullable === true || type.defaultValue !== undefined ? [name] : [])))
  return (time) => {
    const event: Record<string, unknown> = {}
    for (const [name, make] of makers) {
      if (gaps.has(name) && random() < 0.1) continue
      event[name] = make(time)
    }
    return event
  }
}
