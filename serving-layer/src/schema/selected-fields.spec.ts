import { GraphQLObjectType, GraphQLSchema, GraphQLString, execute, parse } from 'graphql'
import { describe, expect, it } from 'vitest'
import { freshnessNeeds } from './freshness-needs.ts'
import { selectedFields } from './selected-fields.ts'

const Freshness = new GraphQLObjectType({
  name: 'Fresh',
  fields: { cutoff: { type: GraphQLString }, pendingEvents: { type: GraphQLString }, realtimeLagMs: { type: GraphQLString } },
})
const Answer = new GraphQLObjectType({ name: 'Answer', fields: { rows: { type: GraphQLString }, freshness: { type: Freshness }, inner: { type: Freshness } } })

/** What the resolver of the root field `answer` sees: its subfields, and those of its `freshness`. */
function seen(document: string): { fields: string[]; freshness: string[] | null } {
  let out: { fields: string[]; freshness: string[] | null } | undefined
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        answer: {
          type: Answer,
          resolve: (_root, _args, _ctx, info) => {
            const fields = selectedFields(info)
            const freshness = fields.get('freshness')
            out = { fields: [...fields.keys()].sort(), freshness: freshness ? [...selectedFields(info, freshness).keys()].sort() : null }
            return {}
          },
        },
      },
    }),
  })
  const result = execute({ schema, document: parse(document) })
  expect((result as { errors?: unknown }).errors).toBeUndefined()
  return out!
}

describe('selectedFields', () => {
  it('names the subfields selected directly, under aliases, in inline fragments and in fragment spreads', () => {
    expect(seen('{ answer { rows } }')).toEqual({ fields: ['rows'], freshness: null })
    expect(seen('{ answer { rows f: freshness { cutoff } } }')).toEqual({ fields: ['freshness', 'rows'], freshness: ['cutoff'] })
    expect(seen('{ answer { ... on Answer { freshness { cutoff } } } }')).toEqual({ fields: ['freshness'], freshness: ['cutoff'] })
    expect(seen('{ answer { ...F } } fragment F on Answer { rows ...G } fragment G on Answer { freshness { ...H } } fragment H on Fresh { pendingEvents }')).toEqual({
      fields: ['freshness', 'rows'],
      freshness: ['pendingEvents'],
    })
  })

  it('keeps levels apart: a field of the same name further down is not selected here', () => {
    expect(seen('{ answer { inner { pendingEvents } } }')).toEqual({ fields: ['inner'], freshness: null })
  })

  it('merges every node of a field selected twice under one response name', () => {
    expect(seen('{ answer { freshness { cutoff } } answer { freshness { realtimeLagMs } } }')).toEqual({ fields: ['freshness'], freshness: ['cutoff', 'realtimeLagMs'] })
  })
})

describe('freshnessNeeds', () => {
  const needs = (...names: string[]) => freshnessNeeds(new Map(names.map((n) => [n, []])))
  it('reads the log and the progress only for pendingEvents, the newest event time only for the fields made of it', () => {
    expect(needs('cutoff', 'batchVersion', 'batchPublishedAt', 'answeredAt')).toEqual({ newest: false, frontier: false, pending: false })
    expect(needs('newestEventTime')).toEqual({ newest: true, frontier: false, pending: false })
    expect(needs('streamEventTime')).toEqual({ newest: false, frontier: true, pending: false })
    expect(needs('realtimeLagMs')).toEqual({ newest: true, frontier: true, pending: false })
    expect(needs('pendingEvents', 'cutoff')).toEqual({ newest: false, frontier: false, pending: true })
  })
})
