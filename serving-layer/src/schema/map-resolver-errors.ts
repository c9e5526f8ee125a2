import { type GraphQLFieldResolver, type GraphQLSchema, isObjectType } from 'graphql'
import { toGraphQLError } from './to-graphql-error.ts'

/**
 * Maps the errors of every resolver and subscriber of the schema with `toGraphQLError`, in one
 * place: no resolver has to remember it. A resolver that answers synchronously still does (rows'
 * fields stay cheap); a promise it returns is mapped when it rejects. Mutates and returns `schema`.
 */
export function mapResolverErrors(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue
    for (const field of Object.values(type.getFields())) {
      if (field.resolve) field.resolve = mapped(field.resolve)
      if (field.subscribe) field.subscribe = mapped(field.subscribe)
    }
  }
  return schema
}

function mapped<S, C>(resolver: GraphQLFieldResolver<S, C>): GraphQLFieldResolver<S, C> {
  return (source, args, context, info) => {
    try {
      const result = resolver(source, args, context, info)
      return isPromise(result)
        ? result.then(undefined, (error: unknown) => {
            throw toGraphQLError(error)
          })
        : result
    } catch (error) {
      throw toGraphQLError(error)
    }
  }
}

function isPromise(value: unknown): value is Promise<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function'
}
