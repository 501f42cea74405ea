import type { RunningService } from '@crm/kernel';
import { graphql } from '@crm/testing';
import { creditTokens, knownCustomer, ok, oneLine, PLACE, setLifecycle, setProfile, startCredit } from './credit-fixture';

jest.setTimeout(90_000);

const STANDING = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Customer { id creditStanding { id status reasons { code message } exposure { amountMinor currency } creditLimit { amountMinor } } } } }`;

describe('credit: Customer.creditStanding', () => {
  let service: RunningService;
  let t: Awaited<ReturnType<typeof creditTokens>>;

  beforeAll(async () => {
    ({ service } = await startCredit('2025-06-02T02:00:00Z'));
    t = await creditTokens();
  });
  afterAll(() => service.stop());

  const standings = async (ids: string[], token = t.alice) => {
    const res = await graphql(service.url, STANDING, { r: ids.map((id) => ({ __typename: 'Customer', id })) }, token);
    return { res, standings: res.data?._entities.map((e: { creditStanding: unknown }) => e.creditStanding) };
  };

  it('explains OK, ON_HOLD, FROZEN and BAD_CASE_OPEN for several customers in one request', async () => {
    const [fine, held, frozen, bad, none] = [await knownCustomer(service), await knownCustomer(service), await knownCustomer(service), await knownCustomer(service), await knownCustomer(service)];
    for (const id of [fine, held, frozen, bad]) await setProfile(service, t.finance, id, { creditLimit: 1_000 });
    await ok(service, PLACE, { i: { customerId: fine, lines: oneLine(40_000) } }, t.alice, 'order');
    await ok(service, PLACE, { i: { customerId: held, lines: oneLine(200_000) } }, t.alice, 'order');
    await setProfile(service, t.finance, frozen, { creditLimit: 1_000, frozen: true, expectedRevision: 1 });
    await setLifecycle(service, bad, 'BAD');
    const { res, standings: answer } = await standings([fine, held, frozen, bad, none]);
    expect(res.errors).toBeUndefined();
    expect(answer[0]).toEqual({ id: `${fine}:credit-standing`, status: 'OK', reasons: [], exposure: { amountMinor: 40_000, currency: 'CNY' }, creditLimit: { amountMinor: 100_000 } });
    expect(answer[1]).toMatchObject({ status: 'ON_HOLD', reasons: [{ code: 'ORDERS_HELD', message: '1 order held for a credit decision' }], exposure: { amountMinor: 0 } });
    expect(answer[2]).toMatchObject({ status: 'FROZEN', reasons: [{ code: 'ACCOUNT_FROZEN' }] });
    expect(answer[3]).toMatchObject({ status: 'BAD_CASE_OPEN', reasons: [{ code: 'CUSTOMER_BAD' }] });
    expect(answer[4]).toMatchObject({ status: 'ON_HOLD', reasons: [{ code: 'NO_CREDIT_PROFILE' }], creditLimit: null });
  });

  it('follows the read rule: a colleague gets FORBIDDEN at the field, a partner null, finance everything', async () => {
    const customerId = await knownCustomer(service);
    const colleague = await standings([customerId], t.bob);
    expect(colleague.standings).toEqual([null]);
    expect(colleague.res.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['_entities', 0, 'creditStanding'], 'FORBIDDEN']]);
    expect((await standings([customerId], t.partner)).standings).toEqual([null]);
    expect((await standings([customerId], t.finance)).standings[0]).toMatchObject({ status: 'ON_HOLD' });
  });
});
