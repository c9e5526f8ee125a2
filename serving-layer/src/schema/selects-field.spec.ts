import { GraphQLObjectType, GraphQLSchema, GraphQLString, execute, parse } from 'graphql'
import { describe, expect, it } from 'vitest'
import { selectsField } from './selects-field'

const Inner = new GraphQLObjectType({ name: 'Inner', fields: { freshness: { type: GraphQLString }, other: { type: GraphQLString } } })
const Answer = new GraphQLObjectType({
  name: 'Answer',
  fields: () => ({ freshness: { type: GraphQLString }, rows: { type: GraphQLString }, inner: { type: Inner } }),
})

/** Whether the root field `answer` selects `freshness`, as its resolver sees it. */
function selects(document: string): boolean {
  let seen: boolean | undefined
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        answer: {
          type: Answer,
          resolve: (_root, _args, _ctx, info) => {
            seen = selectsField(info, 'freshness')
            return {}
          },
        },
      },
    }),
  })
  const result = execute({ schema, document: parse(document) })
  expect((result as { errors?: unknown }).errors).toBeUndefined()
  return seen!
}

describe('selectsField', () => {
  it('finds the subfield directly, under an alias, in an inline fragment and in a fragment spread', () => {
    expect(selects('{ answer { rows freshness } }')).toBe(true)
    expect(selects('{ answer { rows f: freshness } }')).toBe(true)
    expect(selects('{ answer { rows ... on Answer { freshness } } }')).toBe(true)
    expect(selects('{ answer { ...F } } fragment F on Answer { rows ...G } fragment G on Answer { freshness }')).toBe(true)
  })

  it('does not count a field of that name deeper down, or its absence', () => {
    expect(selects('{ answer { rows } }')).toBe(false)
    expect(selects('{ answer { inner { freshness } } }')).toBe(false)
    expect(selects('{ answer { ...F } } fragment F on Answer { rows inner { freshness } }')).toBe(false)
  })

  it('looks at every node of a field selected twice in one query', () => {
    expect(selects('{ answer { rows } answer { freshness } }')).toBe(true)
  })
})
