import type { Bool, Num, RandomEvent, RawEvent, Str, Zone } from './random-view-ast.ts'

/*
 * The reference: what each expression of the random views means, written for the tests from the
 * rules Twinflow documents (README "Declaring a pipeline"), with no Twinflow code. Nulls follow
 * SQL; calendar fields come from the engine's Date on a wall clock read with Intl's offset.
 */

export type Row = Record<string, string | number | boolean | null>
type N = number | null

const WHITESPACE = ' \t\n\r\v\f'

/** Decodes a raw event by the random stream's declared policies: null where it is rejected (a dead letter). */
export function referenceDecode(raw: RawEvent): RandomEvent | null {
  const missing = (v: unknown) => v === undefined || v === null
  const u = raw.u
  if (!missing(u) && typeof u !== 'string') return null
  const p = raw.p
  const pValid = typeof p === 'number' && Number.isSafeInteger(p)
  const q = raw.q
  if (!missing(q) && !(typeof q === 'number' && Number.isFinite(q))) return null
  const o = raw.o
  if (!missing(o) && typeof o !== 'boolean') return null
  const d = raw.d
  return {
    s: raw.s as string,
    e: raw.e as RandomEvent['e'],
    n: raw.n as number,
    m: raw.m as number,
    f: raw.f as number,
    g: raw.g as number,
    b: raw.b as boolean,
    c: raw.c as boolean,
    u: missing(u) ? null : (u as string),
    p: pValid ? (p as number) : null, // optional, and junk is null (onInvalid('null'))
    q: missing(q) ? null : (q as number),
    o: missing(o) ? null : (o as boolean),
    d: typeof d === 'number' && Number.isSafeInteger(d) ? d : -2, // default -2, junk too (onInvalid('default'))
    ts: raw.ts as number,
  }
}

export function num(n: Num, row: Row): N {
  switch (n.t) {
    case 'field':
      return row[n.name] as N
    case 'lit':
      return n.v
    case 'arith': {
      const l = num(n.l, row)
      const r = num(n.r, row)
      if (l === null || r === null) return null
      if (n.op === 'div' && r === 0) return null
      return n.op === 'add' ? l + r : n.op === 'sub' ? l - r : n.op === 'mul' ? l * r : l / r
    }
    case 'half': {
      const l = num(n.l, row)
      return l === null ? null : l / n.by
    }
    case 'unary': {
      const a = num(n.a, row)
      if (a === null) return null
      if (n.fn === 'abs') return a < 0 ? -a : a
      if (n.fn === 'floor') return Math.floor(a)
      if (n.fn === 'ceil') return Math.ceil(a)
      return a
    }
    case 'round': {
      const a = num(n.a, row)
      if (a === null) return null
      if (!isFloat(n.a)) return a
      if (n.digits === 0) return Math.floor(a + 0.5)
      const scale = 10 ** Math.abs(n.digits)
      return n.digits > 0 ? Math.floor(a * scale + 0.5) / scale : Math.floor(a / scale + 0.5) * scale
    }
    case 'mod': {
      const l = num(n.l, row)
      const r = num(n.r, row)
      if (l === null || r === null || r === 0) return null
      const q = Math.trunc(l / r)
      return l - q * r + 0
    }
    case 'minMax': {
      const l = num(n.l, row)
      const r = num(n.r, row)
      if (l === null || r === null) return null
      return n.fn === 'least' ? (l < r ? l : r) : l > r ? l : r
    }
    case 'toInt': {
      const a = num(n.a, row)
      if (a === null || !Number.isFinite(a) || Math.abs(a) >= 2 ** 53) return null
      return (a < 0 ? Math.ceil(a) : Math.floor(a)) + 0
    }
    case 'if':
      return bool(n.c, row) === true ? num(n.l, row) : n.r === null ? null : num(n.r, row)
    case 'coalesce':
      return num(n.l, row) ?? num(n.r, row)
    case 'length': {
      const s = str(n.s, row)
      return s === null ? null : [...s].length
    }
    case 'parseInt': {
      const s = str(n.s, row)
      if (s === null || !/^-?\d{1,15}$/.test(s)) return null
      return Number.parseInt(s, 10) + 0
    }
    case 'timePart':
      return calendar(row.ts as number, n.part, n.zone)
  }
}

export function str(s: Str, row: Row): string | null {
  switch (s.t) {
    case 'field':
      return row[s.name] as string | null
    case 'lit':
      return s.v
    case 'case': {
      const a = str(s.a, row)
      if (a === null) return null
      if (s.fn === 'trim') {
        let from = 0
        let to = a.length
        while (from < to && WHITESPACE.includes(a[from]!)) from++
        while (to > from && WHITESPACE.includes(a[to - 1]!)) to--
        return a.slice(from, to)
      }
      const [lo, hi] = s.fn === 'lower' ? ['A', 'Z'] : ['a', 'z']
      const shift = s.fn === 'lower' ? 32 : -32
      return [...a].map((ch) => (ch >= lo && ch <= hi ? String.fromCharCode(ch.charCodeAt(0) + shift) : ch)).join('')
    }
    case 'substring': {
      const a = str(s.a, row)
      if (a === null) return null
      const cps = [...a]
      const from = s.start >= 0 ? Math.min(s.start, cps.length) : Math.max(0, cps.length + s.start)
      return cps.slice(from, s.len === null ? undefined : from + s.len).join('')
    }
    case 'concat': {
      const a = str(s.a, row)
      const b = str(s.b, row)
      return a === null || b === null ? null : a + b
    }
    case 'replace': {
      const a = str(s.a, row)
      if (a === null) return null
      let out = ''
      let at = 0
      for (let i = a.indexOf(s.from); i >= 0; i = a.indexOf(s.from, at)) {
        out += a.slice(at, i) + s.to
        at = i + s.from.length
      }
      return out + a.slice(at)
    }
    case 'if':
      return bool(s.c, row) === true ? str(s.l, row) : s.r === null ? null : str(s.r, row)
    case 'coalesce':
      return str(s.l, row) ?? str(s.r, row)
    case 'intStr': {
      const n = num(s.n, row)
      return n === null ? null : n.toFixed(0)
    }
    case 'boolStr': {
      const b = bool(s.b, row)
      return b === null ? null : b ? 'true' : 'false'
    }
  }
}

export function bool(b: Bool, row: Row): boolean | null {
  switch (b.t) {
    case 'field':
      return row[b.name] as boolean | null
    case 'cmp': {
      const l = num(b.l, row)
      const r = num(b.r, row)
      if (l === null || r === null) return null
      return { eq: l === r, ne: l !== r, lt: l < r, le: l <= r, gt: l > r, ge: l >= r }[b.op]
    }
    case 'time':
      return b.op === 'lt' ? (row.ts as number) < b.at : (row.ts as number) >= b.at
    case 'str': {
      const l = str(b.l, row)
      const r = str(b.r, row)
      if (l === null || r === null) return null
      return b.op === 'eq' ? l === r : l !== r
    }
    case 'strIn': {
      const s = str(b.s, row)
      return s === null ? null : b.vs.includes(s)
    }
    case 'numIn': {
      const n = num(b.n, row)
      return n === null ? null : b.vs.includes(n)
    }
    case 'strTest': {
      const s = str(b.s, row)
      if (s === null) return null
      return b.fn === 'startsWith' ? s.slice(0, b.v.length) === b.v : b.fn === 'endsWith' ? s.length >= b.v.length && s.slice(s.length - b.v.length) === b.v : s.indexOf(b.v) >= 0
    }
    case 'isNull':
      return ('num' in b.x ? num(b.x.num, row) : 'str' in b.x ? str(b.x.str, row) : bool(b.x.bool, row)) === null
    case 'boolEq': {
      const l = bool(b.l, row)
      const r = bool(b.r, row)
      return l === null || r === null ? null : l === r
    }
    case 'and': {
      const values = b.args.map((a) => bool(a, row))
      return values.includes(false) ? false : values.includes(null) ? null : true
    }
    case 'or': {
      const values = b.args.map((a) => bool(a, row))
      return values.includes(true) ? true : values.includes(null) ? null : false
    }
    case 'not': {
      const a = bool(b.a, row)
      return a === null ? null : !a
    }
  }
}

/** Whether a numeric expression is a float by Twinflow's typing rules (division, a float field or literal, toFloat...). */
export function isFloat(n: Num): boolean {
  switch (n.t) {
    case 'field':
      return n.name === 'f' || n.name === 'g' || n.name === 'q' || derived(n.name)?.kind === 'f'
    case 'lit':
      return !Number.isInteger(n.v)
    case 'arith':
      return n.op === 'div' || isFloat(n.l) || isFloat(n.r)
    case 'half':
      return true
    case 'unary':
      return n.fn === 'toFloat' || isFloat(n.a)
    case 'round':
      return isFloat(n.a)
    case 'minMax':
    case 'coalesce':
      return isFloat(n.l) || isFloat(n.r)
    case 'if':
      return isFloat(n.l) || (n.r !== null && isFloat(n.r))
    default:
      return false
  }
}

/** Whether a numeric expression can be null by Twinflow's rules (the layout of a measure's cells depends on it). */
export function numNullable(n: Num): boolean {
  switch (n.t) {
    case 'field':
      return n.name === 'p' || n.name === 'q' || derived(n.name)?.nullable === true
    case 'lit':
    case 'timePart':
      return false
    case 'arith':
      // x / y is null where y is 0, unless y is a constant (never 0).
      return numNullable(n.l) || numNullable(n.r) || (n.op === 'div' && n.r.t !== 'lit')
    case 'minMax':
      return numNullable(n.l) || numNullable(n.r)
    case 'half':
      return numNullable(n.l)
    case 'unary':
    case 'round':
      return numNullable(n.a)
    case 'mod':
    case 'parseInt':
      return true
    case 'toInt':
      return true
    case 'if':
      return n.r === null || numNullable(n.l) || numNullable(n.r)
    case 'coalesce':
      return numNullable(n.l) && numNullable(n.r)
    case 'length':
      return strNullable(n.s)
  }
}

export function strNullable(s: Str): boolean {
  switch (s.t) {
    case 'field':
      return s.name === 'u' || derived(s.name)?.nullable === true
    case 'lit':
      return false
    case 'case':
    case 'substring':
    case 'replace':
      return strNullable(s.a)
    case 'concat':
      return strNullable(s.a) || strNullable(s.b)
    case 'if':
      return s.r === null || strNullable(s.l) || strNullable(s.r)
    case 'coalesce':
      return strNullable(s.l) && strNullable(s.r)
    case 'intStr':
      return numNullable(s.n)
    case 'boolStr':
      return boolNullable(s.b)
  }
}

export function boolNullable(b: Bool): boolean {
  switch (b.t) {
    case 'field':
      return b.name === 'o' || derived(b.name)?.nullable === true
    case 'time':
    case 'isNull':
      return false
    case 'cmp':
      return numNullable(b.l) || numNullable(b.r)
    case 'str':
      return strNullable(b.l) || strNullable(b.r)
    case 'strIn':
    case 'strTest':
      return strNullable(b.s)
    case 'numIn':
      return numNullable(b.n)
    case 'boolEq':
      return boolNullable(b.l) || boolNullable(b.r)
    case 'and':
    case 'or':
      return b.args.some(boolNullable)
    case 'not':
      return boolNullable(b.a)
  }
}

/**
 * A derived field's name says its kind and whether it can be null: `d<i><kind><n?>`, kind i (int),
 * f (float), s (string) or b (bool), and `n` when nullable (see derivedName).
 */
function derived(name: string): { kind: string; nullable: boolean } | null {
  const match = /^d\d+([ifsb])(n?)$/.exec(name)
  return match ? { kind: match[1]!, nullable: match[2] === 'n' } : null
}

/** The name of the i-th derived field of a kind. */
export function derivedName(i: number, kind: 'i' | 'f' | 's' | 'b', nullable: boolean): string {
  return `d${i}${kind}${nullable ? 'n' : ''}`
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>()

/** A zone's offset from UTC at an instant, in ms, from Intl's "GMT+hh:mm" name of it. */
function offsetMs(time: number, zone: string): number {
  let format = offsetFormats.get(zone)
  if (!format) offsetFormats.set(zone, (format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' })))
  const name = format.formatToParts(time).find((p) => p.type === 'timeZoneName')!.value
  const match = /GMT([+-])(\d\d):(\d\d)/.exec(name)
  if (!match) return 0 // "GMT": UTC
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 3_600_000 + Number(match[3]) * 60_000)
}

function calendar(time: number, part: 'hour' | 'dayOfWeek' | 'month' | 'year' | 'date', zone: Zone): number {
  const wall = new Date(zone === undefined || zone === 'UTC' ? time : time + offsetMs(time, zone))
  switch (part) {
    case 'hour':
      return wall.getUTCHours()
    case 'dayOfWeek':
      return wall.getUTCDay() === 0 ? 7 : wall.getUTCDay()
    case 'month':
      return wall.getUTCMonth() + 1
    case 'year':
      return wall.getUTCFullYear()
    case 'date':
      return Date.UTC(wall.getUTCFullYear(), wall.getUTCMonth(), wall.getUTCDate())
  }
}
