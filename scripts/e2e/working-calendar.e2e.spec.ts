// End to end for the platform's one working calendar: a holiday set through the graph (service-desk owns the
// calendar) reaches accounts as an event and moves the filing deadline there.
import { eventually, tokenFor } from '@crm/testing';
import { call } from '../platform/demo-data';
import type { RunningPlatform } from '../platform/platform';
import { startE2ePlatform } from './e2e-platform';

jest.setTimeout(120_000);

describe('one working calendar for the whole platform', () => {
  let platform: RunningPlatform;
  let url: string;
  let gm: string;

  beforeAll(async () => {
    platform = await startE2ePlatform();
    url = platform.gateway.graphqlUrl;
    gm = await tokenFor({ sub: 'gm-cal', roles: ['general_manager'] });
    await call(url, 'mutation { upsertDepartment(input: {id: "D-CAL", name: "Calendar e2e"}) { department { id } userErrors { field code message } } }', {}, gm);
    await call(url, 'mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } userErrors { field code message } } }', { i: { id: 'c-cal', name: 'Calendar Consultant', departmentId: 'D-CAL' } }, gm);
  });
  afterAll(() => platform?.stop());

  const accountsKnows = (date: string, kind: string | null) =>
    eventually(async () => {
      const copy = await platform.services.accounts.connection.collection('calendar_days_copy').findOne({ _id: date as never });
      expect(copy?.kind ?? null).toBe(kind);
      // The copy is read on the event; make sure the one that applied it has refreshed too.
      await new Promise((r) => setTimeout(r, 50));
    });

  const filingDueAt = async (firstContactAt: string) => {
    const { createCustomer: { customer: createCustomer } } = await call(
      url,
      'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id filing { dueAt } } userErrors { field code message } } }',
      { i: { name: `Calendar Works ${firstContactAt}-${Math.random()}`, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: 'c-cal', firstContactAt } },
      gm,
    );
    return createCustomer.filing.dueAt as string;
  };

  it('counts a holiday set through the graph in the filing deadline, and drops it again when removed', async () => {
    // Wednesday 2026-06-17 + 5 working days: Thu 18, Fri 19, Mon 22, Tue 23, Wed 24.
    await call(url, 'mutation { removeCalendarDay(input: { date: "2026-06-19" }) { removed userErrors { field code message } } }', {}, gm);
    await accountsKnows('2026-06-19', null).catch(() => undefined);
    await call(url, 'mutation($i: SetCalendarDayInput!) { setCalendarDay(input: $i) { calendarDay { date kind } userErrors { field code message } } }', { i: { date: '2026-06-19', kind: 'HOLIDAY', name: 'Dragon Boat Festival' } }, gm);
    await accountsKnows('2026-06-19', 'HOLIDAY');
    // With Friday the 19th off, the fifth working day is Thursday the 25th (end of day, Shanghai time).
    expect(await filingDueAt('2026-06-17T02:00:00.000Z')).toBe('2026-06-25T15:59:59.999Z');

    await call(url, 'mutation { removeCalendarDay(input: { date: "2026-06-19" }) { removed userErrors { field code message } } }', {}, gm);
    await accountsKnows('2026-06-19', null);
    expect(await filingDueAt('2026-06-17T02:00:00.000Z')).toBe('2026-06-24T15:59:59.999Z');
  });
});
