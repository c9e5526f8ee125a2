import { isNullable, sharedSql, type ExprNode } from '@twinflow/core'
import { formatLiteral } from './format-literal.ts'

type CallNode = Extract<ExprNode, { op: 'call' }>

const TRIM = formatLiteral('^[ \\t\\n\\r\\v\\f]+|[ \\t\\n\\r\\v\\f]+$', 'string')
const INTEGER_TEXT = formatLiteral('^-?[0-9]{1,15}$', 'string')
/** 2^53, as a Float64 literal. */
const EXACT = '9007199254740992.0'

/**
 * ClickHouse SQL of a function call, given its arguments' SQL, with the semantics of core's
 * `compileCall`. What Twinflow defines itself is written out as arithmetic rather than left to a
 * function whose meaning differs between releases or from JavaScript: rounding (half up, as
 * floor(x + 0.5)), abs/least/greatest (comparisons, so -0 and NaN go the same way as in JS),
 * calendar fields (integer arithmetic on epoch ms; a time zone's offset from its wall clock).
 * Case mapping is ClickHouse's lower/upper, which map ASCII only in every release. Numbers of mixed
 * kinds are made Float64 explicitly (18.16 finds no common type of Int64 and Float64). An argument
 * used more than once is written once and then referred to by an alias (sharedSql).
 */
export function compileCallSql(node: CallNode, args: readonly string[]): string {
  const p = node.params
  const nullable = node.args.map(isNullable)
  /** Argument i as the call's kind: Float64 where the result is a float, Int64 where an integer. */
  const typed = (i: number) => {
    const kind = node.args[i]!.type
    if (node.type === 'float' && kind !== 'float') return `toFloat64(${args[i]})`
    return (node.type === 'int' || node.type === 'time') && kind !== 'float' ? `toInt64(${args[i]})` : args[i]!
  }
  /** `body(refs)`, or NULL where any argument is NULL (for bodies whose `if` must not see a NULL condition). */
  const strict = (refs: readonly { first: string; again: string }[], body: string) => {
    const nulls = refs.filter((_, i) => nullable[i]).map((r) => `isNull(${r.again})`)
    return nulls.length === 0 ? body : `if(${nulls.join(' OR ')}, NULL, ${body})`
  }
  const a = args[0]!
  switch (node.fn) {
    case 'isNull':
      return nullable[0] ? `isNull(${a})` : '0'
    case 'coalesce': {
      // Not ClickHouse's coalesce: 18.16's refuses, or answers NULL for every row, when an argument
      // is a Nullable constant (a null literal, or an if() folded to one). The first argument that is
      // not null, as multiIf; the result is no Nullable where the last argument cannot be null.
      const last = node.args.findIndex((arg, i) => i === node.args.length - 1 || !isNullable(arg))
      const branches = node.args.slice(0, last).flatMap((_, i) => {
        const x = sharedSql(typed(i))
        return [`isNotNull(${x.first})`, x.again]
      })
      if (branches.length === 0) return typed(last)
      const chosen = `multiIf(${[...branches, typed(last)].join(', ')})`
      return nullable[last] ? chosen : `assumeNotNull(${chosen})`
    }
    case 'if':
      return `if(${nullable[0] ? `ifNull(${a}, 0)` : a}, ${typed(1)}, ${typed(2)})`
    case 'lower':
    case 'upper':
      return `${node.fn}(${a})`
    case 'trim':
      return `replaceRegexpAll(${a}, ${TRIM}, '')`
    case 'length':
      return `toInt64(lengthUTF8(${a}))`
    case 'substring': {
      // By RE2, which counts UTF-8 code points in every release (18.16's substringUTF8 cuts a
      // 4-byte character, an emoji, in half). (?s:.) is any code point, newlines included.
      const start = p[0] as number
      const take = p.length > 1 ? `((?s:.){0,${p[1]}})` : '((?s:.)*)'
      if (start >= 0) return `extract(${a}, ${formatLiteral(`^(?s:.){${start}}${take}`, 'string')})`
      // The last |start| code points: the leftmost place from which at most |start| remain.
      const tail = `extract(${a}, ${formatLiteral(`((?s:.){0,${-start}})$`, 'string')})`
      return p.length > 1 ? `extract(${tail}, ${formatLiteral(`^${take}`, 'string')})` : tail
    }
    case 'concat':
      return `concat(${args.join(', ')})`
    case 'startsWith':
    case 'endsWith':
      return `${node.fn}(${a}, ${formatLiteral(p[0] as string, 'string')})`
    case 'contains':
      return `(position(${a}, ${formatLiteral(p[0] as string, 'string')}) > 0)`
    case 'replace':
      return `replaceAll(${a}, ${formatLiteral(p[0] as string, 'string')}, ${formatLiteral(p[1] as string, 'string')})`
    case 'abs': {
      const x = sharedSql(a)
      return strict([x], `if(${x.first} < 0, negate(${x.again}), ${x.again})`)
    }
    case 'round': {
      if (node.args[0]!.type !== 'float') return a
      const digits = (p[0] as number | undefined) ?? 0
      if (digits === 0) return `floor(${a} + 0.5)`
      const scale = formatLiteral(10 ** Math.abs(digits), 'float')
      return digits > 0 ? `(floor((${a} * ${scale}) + 0.5) / ${scale})` : `(floor((${a} / ${scale}) + 0.5) * ${scale})`
    }
    case 'floor':
    case 'ceil':
      return node.args[0]!.type === 'float' ? `${node.fn}(${a})` : a
    case 'mod': {
      const divisor = sharedSql(args[1]!)
      if (!nullable[1]) return `if(${divisor.first} = 0, NULL, ${a} % if(${divisor.again} = 0, toInt64(1), toInt64(${divisor.again})))`
      // A null divisor takes the NULL branch explicitly: the nested value under a NULL is 0, and
      // 18.16 divides by it where the NULL is a constant (`if(isNull(n), n, null)` with n never null).
      const zeroOrNull = `ifNull(${divisor.again} = 0, 1)`
      return `if(ifNull(${divisor.first} = 0, 1), NULL, ${a} % if(${zeroOrNull}, toInt64(1), toInt64(assumeNotNull(${divisor.again}))))`
    }
    case 'least':
    case 'greatest': {
      const [x, y] = [sharedSql(typed(0)), sharedSql(typed(1))]
      return strict([x, y], `if(${x.first} ${node.fn === 'least' ? '<' : '>'} ${y.first}, ${x.again}, ${y.again})`)
    }
    case 'hour':
      return `toInt64(intDiv(${local(a, p[0])}, 3600000) % 24)`
    case 'dayOfWeek':
      return `toInt64(((intDiv(${local(a, p[0])}, 86400000) + 3) % 7) + 1)`
    case 'date':
      return `(intDiv(${local(a, p[0])}, 86400000) * 86400000)`
    case 'month':
    case 'year':
      return civil(`intDiv(${local(a, p[0])}, 86400000)`, node.fn)
    case 'toFloat':
      return `toFloat64(${a})`
    case 'toInt': {
      if (node.args[0]!.type !== 'float') return a
      // Both branches are computed: the converted value must be finite and in range even where it is not kept.
      const x = sharedSql(a)
      const exact = sharedSql(`(isFinite(${x.first}) AND (abs(${x.again}) < ${EXACT}))`)
      return `if(${exact.first}, toInt64(if(${exact.again}, ${x.again}, 0.0)), NULL)`
    }
    case 'toString': {
      if (node.args[0]!.type === 'string') return a
      if (node.args[0]!.type !== 'bool') return `toString(${a})`
      const b = sharedSql(a)
      return strict([b], `if(${b.first}, 'true', 'false')`)
    }
    case 'inSample': {
      // The value's text as distinct() hashes it; the high 32 bits of its sipHash64 (NULL of NULL).
      const kind = node.args[0]!.type
      const text = kind === 'string' ? a : kind === 'bool' ? `toString(toUInt8(${a}))` : `toString(${a})`
      return `(bitShiftRight(sipHash64(${text}), 32) < ${formatLiteral(p[0] as number, 'int')})`
    }
    case 'parseInt': {
      const s = sharedSql(a)
      return `if(match(${s.first}, ${INTEGER_TEXT}), toInt64OrZero(${s.again}), NULL)`
    }
  }
}

/**
 * The wall-clock time of an event time (epoch ms) in a zone: the time plus the zone's offset,
 * which is what the zone's local date and time, read as UTC, are ahead of the instant (whole
 * seconds; ClickHouse's DateTime, so times before 2106).
 */
function local(time: string, zone: unknown): string {
  if (zone === undefined) return time
  const t = sharedSql(time)
  const seconds = sharedSql(`intDiv(${t.again}, 1000)`)
  const wall = `toInt64(toDateTime(toString(toDateTime(${seconds.first}, ${formatLiteral(zone as string, 'string')})), 'UTC'))`
  return `(${t.first} + ((${wall} - ${seconds.again}) * 1000))`
}

/**
 * The month (1–12) or the year of a day number (days since 1970-01-01, >= 0): H. Hinnant's
 * civil_from_days in integer arithmetic, as core's civilFromDays. Each intermediate is written once
 * (sharedSql): written out at every use, the nesting makes statements too big for 18.16.
 */
function civil(days: string, field: 'month' | 'year'): string {
  const z = sharedSql(`(${days} + 719468)`)
  const era = sharedSql(`intDiv(${z.first}, 146097)`)
  const doe = sharedSql(`(${z.again} - (${era.first} * 146097))`)
  const yoe = sharedSql(`intDiv(((${doe.first} - intDiv(${doe.again}, 1460)) + intDiv(${doe.again}, 36524)) - intDiv(${doe.again}, 146096), 365)`)
  const doy = `(${doe.again} - (((365 * ${yoe.first}) + intDiv(${yoe.again}, 4)) - intDiv(${yoe.again}, 100)))`
  const mp = sharedSql(`intDiv((5 * ${doy}) + 2, 153)`)
  const month = sharedSql(`if(${mp.first} < 10, ${mp.again} + 3, ${mp.again} - 9)`)
  if (field === 'month') return `toInt64(${month.first})`
  return `toInt64((${yoe.again} + (${era.again} * 400)) + if(${month.first} <= 2, 1, 0))`
}
