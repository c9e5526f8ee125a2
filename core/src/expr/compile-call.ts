import type { Scalar } from '../schema/value-kind.ts'
import { civilFromDays } from '../time/civil-from-days.ts'
import { zoneOffset } from '../time/zone-offset.ts'
import type { ExprNode } from './expr-node.ts'
import { codePointLength } from './code-point-length.ts'
import { codePoints } from './code-points.ts'
import { sipHashText } from '../sketch/sip-hash-text.ts'

const sampleHash = new Uint32Array(2)

export type Value = Scalar | null
export type Evaluator = (row: Record<string, unknown>) => Value

type CallNode = Extract<ExprNode, { op: 'call' }>
type Unary = (a: Value) => Value

const DAY = 86_400_000
const HOUR = 3_600_000
/** 2^53: integers at or above it in magnitude are not exact. */
const EXACT = 9_007_199_254_740_992
const ASCII_UPPER = /[A-Z]/
const ASCII_LOWER = /[a-z]/
const ASCII_WHITESPACE_EDGES = /^[ \t\n\r\v\f]+|[ \t\n\r\v\f]+$/g
const INTEGER_TEXT = /^-?[0-9]{1,15}$/

/**
 * The JavaScript of a function call (see `function-name.ts`), given its arguments' evaluators.
 * Every function but `isNull`, `coalesce` and `if` is strict: a null argument gives null.
 * `+ 0` turns a -0 into 0 where SQL integer arithmetic has no -0.
 */
export function compileCall(node: CallNode, args: readonly Evaluator[]): Evaluator {
  const [a, b, c] = args as [Evaluator, Evaluator, Evaluator]
  const p = node.params
  switch (node.fn) {
    case 'isNull':
      return (row) => a(row) === null
    case 'coalesce':
      return (row) => {
        for (const arg of args) {
          const v = arg(row)
          if (v !== null) return v
        }
        return null
      }
    case 'if':
      return (row) => (a(row) === true ? b(row) : c(row))
    case 'concat':
      return (row) => {
        let out = ''
        for (const arg of args) {
          const v = arg(row)
          if (v === null) return null
          out += v as string
        }
        return out
      }
    case 'least':
    case 'greatest': {
      const least = node.fn === 'least'
      return (row) => {
        const x = a(row)
        const y = b(row)
        if (x === null || y === null) return null
        return least ? (x < y ? x : y) : x > y ? x : y
      }
    }
    case 'mod':
      return (row) => {
        const x = a(row) as number | null
        const y = b(row) as number | null
        return x === null || y === null || y === 0 ? null : (x % y) + 0
      }
    default: {
      const fn = unary(node)
      return (row) => {
        const v = a(row)
        return v === null ? null : fn(v)
      }
    }
  }

  /** A strict function of one argument (and constant params). */
  function unary(call: CallNode): Unary {
    const float = call.args[0]!.type === 'float'
    switch (call.fn) {
      case 'lower':
        return (s) => (ASCII_UPPER.test(s as string) ? (s as string).replace(/[A-Z]+/g, (m) => m.toLowerCase()) : s)
      case 'upper':
        return (s) => (ASCII_LOWER.test(s as string) ? (s as string).replace(/[a-z]+/g, (m) => m.toUpperCase()) : s)
      case 'trim':
        return (s) => (s as string).replace(ASCII_WHITESPACE_EDGES, '')
      case 'length':
        return (s) => codePointLength(s as string)
      case 'substring': {
        const start = p[0] as number
        const length = p.length > 1 ? (p[1] as number) : Infinity
        return (s) => {
          const cps = codePoints(s as string)
          const from = start >= 0 ? start : Math.max(cps.length + start, 0)
          return cps.slice(from, from + length).join('')
        }
      }
      case 'startsWith':
        return (s) => (s as string).startsWith(p[0] as string)
      case 'endsWith':
        return (s) => (s as string).endsWith(p[0] as string)
      case 'contains':
        return (s) => (s as string).includes(p[0] as string)
      case 'replace':
        return (s) => (s as string).split(p[0] as string).join(p[1] as string)
      case 'abs':
        return (x) => ((x as number) < 0 ? -(x as number) : x)
      case 'round': {
        if (!float) return (x) => x
        const digits = (p[0] as number | undefined) ?? 0
        if (digits === 0) return (x) => Math.floor((x as number) + 0.5)
        const scale = 10 ** Math.abs(digits)
        return digits > 0 ? (x) => Math.floor((x as number) * scale + 0.5) / scale : (x) => Math.floor((x as number) / scale + 0.5) * scale
      }
      case 'floor':
        return float ? (x) => Math.floor(x as number) : (x) => x
      case 'ceil':
        return float ? (x) => Math.ceil(x as number) : (x) => x
      case 'hour':
        return local(p[0] as string | undefined, (ms) => Math.floor(ms / HOUR) % 24)
      case 'dayOfWeek':
        return local(p[0] as string | undefined, (ms) => ((Math.floor(ms / DAY) + 3) % 7) + 1)
      case 'date':
        return local(p[0] as string | undefined, (ms) => ms - (ms % DAY))
      case 'month':
        return local(p[0] as string | undefined, (ms) => civilFromDays(Math.floor(ms / DAY)).month)
      case 'year':
        return local(p[0] as string | undefined, (ms) => civilFromDays(Math.floor(ms / DAY)).year)
      case 'toFloat':
        return (x) => x
      case 'toInt':
        if (!float) return (x) => x
        return (x) => (Number.isFinite(x) && Math.abs(x as number) < EXACT ? Math.trunc(x as number) + 0 : null)
      case 'toString':
        return (x) => String(x)
      case 'parseInt':
        return (s) => (INTEGER_TEXT.test(s as string) ? Number(s) + 0 : null)
      case 'inSample': {
        const threshold = p[0] as number
        const kind = call.args[0]!.type
        return (v) => {
          sipHashText(kind === 'string' ? (v as string) : kind === 'bool' ? (v ? '1' : '0') : String(v), sampleHash)
          return sampleHash[0]! < threshold
        }
      }
      default:
        throw new Error(`compileCall: ${call.fn} is not a function of one argument`)
    }
  }
}

/** A calendar field of an event time read on the wall clock of `zone` (UTC when none). */
function local(zone: string | undefined, field: (wallMs: number) => number): Unary {
  if (zone === undefined || zone === 'UTC') return (t) => field(t as number)
  const offset = zoneOffset(zone)
  return (t) => field((t as number) + offset(t as number))
}
