import { graphql, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema } from 'graphql';
import { selectsField } from './selection';

describe('selectsField', () => {
  const seen: boolean[] = [];
  const Page = new GraphQLObjectType({ name: 'Page', fields: { totalCount: { type: new GraphQLNonNull(GraphQLInt) }, size: { type: new GraphQLNonNull(GraphQLInt) } } });
  const Query = new GraphQLObjectType({
    name: 'Query',
    fields: {
      page: {
        type: new GraphQLNonNull(Page),
        resolve: (_source, _args, _context, info) => {
          seen.push(selectsField(info, 'totalCount'));
          return { totalCount: 1, size: 1 };
        },
      },
    },
  });
  const schema = new GraphQLSchema({ query: Query });
  const asks = async (source: string, variableValues?: Record<string, unknown>) => {
    seen.length = 0;
    const result = await graphql({ schema, source, variableValues });
    expect(result.errors).toBeUndefined();
    return seen[0];
  };

  it.each([
    ['{ page { size } }', false],
    ['{ page { totalCount } }', true],
    ['{ page { n: totalCount } }', true],
    ['{ page { ... on Page { totalCount } } }', true],
    ['{ page { ...F } } fragment F on Page { totalCount }', true],
    ['{ page { size ...F } } fragment F on Page { size }', false],
  ])('%s → %s', async (source, expected) => {
    expect(await asks(source)).toBe(expected);
  });

  it('honours @include and @skip', async () => {
    expect(await asks('query($c: Boolean!) { page { size totalCount @include(if: $c) } }', { c: false })).toBe(false);
    expect(await asks('query($c: Boolean!) { page { size totalCount @include(if: $c) } }', { c: true })).toBe(true);
    expect(await asks('{ page { size totalCount @skip(if: true) } }')).toBe(false);
  });
});
