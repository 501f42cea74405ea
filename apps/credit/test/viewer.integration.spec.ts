import type { RunningService } from '@crm/kernel';
import { graphql } from '@crm/testing';
import { creditTokens, startCredit, user } from './credit-fixture';

jest.setTimeout(60_000);

const VIEWER = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Viewer { id canSetCreditTerms canPlaceOrders canDecideCredit canWorkReceivables canRecomputeSalesTiers canWorkBadCustomerCases } } }`;

describe('credit: what the viewer may do, from the rules the mutations apply', () => {
  let service: RunningService;
  let t: Awaited<ReturnType<typeof creditTokens>>;

  beforeAll(async () => {
    ({ service } = await startCredit('2025-06-02T02:00:00Z'));
    t = await creditTokens();
  });
  afterAll(() => service.stop());

  it.each([
    ['finance', 'fin-1', { canSetCreditTerms: true, canPlaceOrders: true, canDecideCredit: true, canWorkReceivables: true, canRecomputeSalesTiers: true, canWorkBadCustomerCases: true }],
    ['alice', user('alice'), { canSetCreditTerms: false, canPlaceOrders: true, canDecideCredit: false, canWorkReceivables: false, canRecomputeSalesTiers: false, canWorkBadCustomerCases: false }],
    ['partner', 'portal-user', { canSetCreditTerms: false, canPlaceOrders: false, canDecideCredit: false, canWorkReceivables: false, canRecomputeSalesTiers: false, canWorkBadCustomerCases: false }],
  ] as const)('answers %s', async (who, id, abilities) => {
    const res = await graphql(service.url, VIEWER, { r: [{ __typename: 'Viewer', id }] }, t[who]);
    expect(res.errors).toBeUndefined();
    expect(res.data!._entities).toEqual([{ id, ...abilities }]);
  });
});
