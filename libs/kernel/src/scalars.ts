import { DateTimeResolver, JSONResolver, LocalDateResolver } from 'graphql-scalars';
import { GraphQLScalarType, Kind, type DocumentNode } from 'graphql';

/**
 * The custom scalars of the graph, from graphql-scalars, so values are checked on the way in and out:
 * - `DateTime`: an RFC 3339 instant with its offset; resolvers get a `Date`, and may return a `Date` or a string;
 * - `Date`: a calendar day, `YYYY-MM-DD` (graphql-scalars' LocalDate under the name the schema uses); resolvers
 *   get and return the string;
 * - `JSON`: any JSON value.
 * A service registers the ones its SDL declares.
 */
export const graphScalars: Readonly<Record<string, GraphQLScalarType>> = {
  DateTime: DateTimeResolver,
  Date: new GraphQLScalarType({ ...LocalDateResolver.toConfig(), name: 'Date' }),
  JSON: JSONResolver,
};

/** Resolvers for the scalars `typeDefs` declares (a module may only resolve types it defines). */
export function scalarResolversFor(typeDefs: DocumentNode): Record<string, GraphQLScalarType> {
  const declared = typeDefs.definitions.filter((d) => d.kind === Kind.SCALAR_TYPE_DEFINITION).map((d) => d.name.value);
  return Object.fromEntries(declared.filter((name) => graphScalars[name]).map((name) => [name, graphScalars[name]]));
}
