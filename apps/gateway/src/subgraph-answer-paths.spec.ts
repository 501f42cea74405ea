import { answerPaths } from './subgraph-answer-paths';

describe('answerPaths', () => {
  it('names each root field of a root fetch, by its response name', () => {
    expect(answerPaths('{ tickets(first: 5) { totalCount } mine: ticket(id: "1") { id } __typename }', {})).toEqual([['tickets'], ['mine'], ['__typename']]);
  });

  it('names each selected field of each entity of an _entities fetch, by representation type', () => {
    const operation = 'query($representations: [_Any!]!) { _entities(representations: $representations) { ... on Customer { __typename tickets { id } open: tickets(status: OPEN) { id } } ... on Consultant { complaintCount(period: "2025") } } }';
    const representations = [{ __typename: 'Customer', id: 'a' }, { __typename: 'Consultant', id: 'b' }, { __typename: 'Customer', id: 'c' }];
    expect(answerPaths(operation, { representations })).toEqual([
      ['_entities', 0, 'tickets'],
      ['_entities', 0, 'open'],
      ['_entities', 1, 'complaintCount'],
      ['_entities', 2, 'tickets'],
      ['_entities', 2, 'open'],
    ]);
  });

  it('takes fields selected outside any fragment for every type, once each', () => {
    expect(answerPaths('query($r: [_Any!]!) { _entities(representations: $r) { id ... { id name } } }', { r: [] })).toEqual([]);
    expect(answerPaths('query($representations: [_Any!]!) { _entities(representations: $representations) { id ... { id name } } }', { representations: [{ __typename: 'X' }] })).toEqual([
      ['_entities', 0, 'id'],
      ['_entities', 0, 'name'],
    ]);
  });

  it('has no paths without an operation', () => {
    expect(answerPaths('fragment F on Customer { id }', {})).toEqual([]);
  });
});
