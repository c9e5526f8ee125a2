import { z } from 'zod'

type JsonSchema = z.core.JSONSchema.JSONSchema

/**
 * The error map of `parseOptions`: says what a failed value must be (from the failing schema's
 * JSON Schema), then what it got, e.g. `must be an integer >= 1, got 0`, and lists the known
 * options beside an unknown one. A schema's description (`.describe('a cron expression')`) is
 * read as what its values must be. A message given in the schema itself wins over this one.
 * Returns undefined (zod's own message) for what it cannot describe.
 */
export const describeIssue: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'unrecognized_keys':
      return unknownKeys(issue.keys, issue.inst)
    case 'invalid_union':
      // A discriminated union whose discriminator matches none of its options.
      if (issue.discriminator !== undefined && 'options' in issue && Array.isArray(issue.options)) {
        const got = (issue.input as Record<string, unknown> | undefined)?.[issue.discriminator]
        return mustBe(`one of ${issue.options.map((o) => JSON.stringify(o)).join(', ')}`, got)
      }
      return expected(issue.schema, issue.input)
    case 'invalid_type':
    case 'invalid_value':
    case 'too_small':
    case 'too_big':
    case 'not_multiple_of':
    case 'invalid_format':
      return expected(issue.schema, issue.input)
    default:
      return undefined
  }
}

function unknownKeys(keys: readonly string[], object: z.core.$ZodType | z.core.$ZodCheck | undefined): string {
  const known = Object.keys(jsonSchemaOf(object)?.properties ?? {})
  const unknown = `unknown option${keys.length > 1 ? 's' : ''} ${keys.map((k) => JSON.stringify(k)).join(', ')}`
  return known.length === 0 ? `${unknown}; there are none to set` : `${unknown}; known options: ${known.join(', ')}`
}

function expected(schema: z.core.$ZodType | undefined, input: unknown): string | undefined {
  const json = jsonSchemaOf(schema)
  const what = json && describe(json)
  return what === undefined ? undefined : mustBe(what, input)
}

function mustBe(what: string, input: unknown): string {
  return input === undefined ? `missing; must be ${what}` : `must be ${what}, got ${show(input)}`
}

function jsonSchemaOf(schema: z.core.$ZodType | z.core.$ZodCheck | undefined): JsonSchema | undefined {
  if (schema === undefined || !('~standard' in schema)) return undefined
  try {
    return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' })
  } catch {
    return undefined
  }
}

/** What a value of this JSON Schema is, in words ("an integer from 1 to 1024"); undefined when unsure. */
function describe(s: JsonSchema): string | undefined {
  if (s.description !== undefined) return s.description
  const members = s.anyOf ?? s.oneOf
  if (members) {
    const parts = members.map(describe)
    return parts.every((p) => p !== undefined) ? parts.join(' or ') : undefined
  }
  if (s.const !== undefined) return JSON.stringify(s.const)
  if (s.enum) return s.enum.length === 1 ? JSON.stringify(s.enum[0]) : `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`
  switch (s.type) {
    case 'integer':
      return `an integer${range(s)}`
    case 'number':
      return `a number${range(s)}`
    case 'boolean':
      return 'true or false'
    case 'string':
      if (s.format === 'uri') return 'a URL'
      if (s.format !== undefined && s.format !== 'regex') return `a valid ${s.format}`
      if (s.pattern !== undefined) return `a string matching /${s.pattern}/`
      if (s.minLength === 1 && s.maxLength === undefined) return 'a non-empty string'
      return `a string${s.minLength ? ` of at least ${s.minLength} characters` : ''}${s.maxLength !== undefined ? ` of at most ${s.maxLength} characters` : ''}`
    case 'array':
      return `${s.minItems === 1 ? 'a non-empty list' : s.minItems ? `a list of at least ${s.minItems}` : 'a list'}${ofItems(s.items)}`
    case 'object':
      return 'an object'
    case 'null':
      return 'null'
    default:
      return undefined
  }
}

/** " of <items>" when the items are described, e.g. a non-empty list of "host:port". */
function ofItems(items: JsonSchema['items']): string {
  return typeof items === 'object' && !Array.isArray(items) && items.description !== undefined ? ` of ${items.description}` : ''
}

function range(s: JsonSchema): string {
  // zod's integers are safe integers: their bounds say nothing to a user.
  const min = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : s.minimum !== undefined && s.minimum > Number.MIN_SAFE_INTEGER ? s.minimum : undefined
  const max = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : s.maximum !== undefined && s.maximum < Number.MAX_SAFE_INTEGER ? s.maximum : undefined
  const gt = typeof s.exclusiveMinimum === 'number' ? '>' : '>='
  const lt = typeof s.exclusiveMaximum === 'number' ? '<' : '<='
  if (min !== undefined && max !== undefined && gt === '>=' && lt === '<=') return ` from ${min} to ${max}`
  return `${min !== undefined ? ` ${gt} ${min}` : ''}${min !== undefined && max !== undefined ? ' and' : ''}${max !== undefined ? ` ${lt} ${max}` : ''}`
}

/** A value as a user would write it, short. */
function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value)
  if (typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol') return typeof value
  const json = JSON.stringify(value) ?? String(value)
  return json.length > 60 ? `${json.slice(0, 57)}...` : json
}
