import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, graphql, parse, subscribe } from 'graphql'
import { describe, expect, it } from 'vitest'
import { TwinflowError } from '@twinflow/core'
import { mapResolverErrors } from './map-resolver-errors.ts'

const schema = mapResolverErrors(
  new GraphQLSchema({
    query: new GraphQLObjectType({
      name: 'Query',
      fields: {
        bad: { type: GraphQLInt, resolve: () => Promise.reject(new TwinflowError('validation', 'limit: must be at most 100')) },
        down: {
          type: GraphQLInt,
          resolve: () => {
            throw new TwinflowError('unavailable', 'Redis unreachable')
          },
        },
        bug: { type: GraphQLInt, resolve: () => Promise.reject(new TypeError('x is undefined')) },
        row: {
          type: new GraphQLObjectType({ name: 'Row', fields: { n: { type: new GraphQLNonNull(GraphQLInt), resolve: (r: { n: number }) => r.n } } }),
          resolve: () => ({ n: 7 }),
        },
      },
    }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        live: {
          type: GraphQLString,
          subscribe: () => {
            throw new TwinflowError('validation', 'from: must be before to')
          },
        },
      },
    }),
  }),
)

describe('mapResolverErrors: every resolver of the schema answers deliberate errors', () => {
  it('maps a rejected or thrown TwinflowError to BAD_USER_INPUT or UNAVAILABLE, and leaves other errors to the server to mask', async () => {
    const result = await graphql({ schema, source: '{ bad down bug row { n } }' })
    expect(result.data).toEqual({ bad: null, down: null, bug: null, row: { n: 7 } })
    expect(result.errors?.map((e) => [e.path?.join('.'), e.message, e.extensions.code ?? null, e.originalError?.constructor.name]).sort()).toEqual([
      ['bad', 'limit: must be at most 100', 'BAD_USER_INPUT', 'GraphQLError'],
      ['bug', 'x is undefined', null, 'TypeError'],
      ['down', 'temporarily unavailable: Redis unreachable', 'UNAVAILABLE', 'GraphQLError'],
    ])
  })

  it('keeps a synchronous resolver synchronous', () => {
    const resolve = (schema.getType('Row') as GraphQLObjectType).getFields().n!.resolve!
    expect(resolve({ n: 3 }, {}, {}, {} as never)).toBe(3)
  })

  it('maps the errors of a subscriber too', async () => {
    const result = await subscribe({ schema, document: parse('subscription { live }') })
    expect('errors' in result && result.errors?.map((e) => [e.message, e.extensions.code])).toEqual([['from: must be before to', 'BAD_USER_INPUT']])
  })
})
