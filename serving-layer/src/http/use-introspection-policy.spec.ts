import { parse } from 'graphql'
import { describe, expect, it } from 'vitest'
import { isIntrospection } from './use-introspection-policy.ts'

describe('isIntrospection', () => {
  it('finds __schema and __type at the root of the executed operation, through fragments', () => {
    expect(isIntrospection(parse('{ __schema { types { name } } }'))).toBe(true)
    expect(isIntrospection(parse('{ a: __type(name: "Query") { name } }'))).toBe(true)
    expect(isIntrospection(parse('query { ...F } fragment F on Query { ... on Query { __schema { queryType { name } } } }'))).toBe(true)
    expect(isIntrospection(parse('{ __typename pipeline { views { name } } }'))).toBe(false)
    const two = parse('query A { pipeline { views { name } } } query B { __schema { types { name } } }')
    expect(isIntrospection(two, 'A')).toBe(false)
    expect(isIntrospection(two, 'B')).toBe(true)
  })
})
