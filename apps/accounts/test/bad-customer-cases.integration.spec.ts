import { badCustomerCaseClosedV1, badCustomerCaseOpenedV1, customerUpdatedV1, type EventContract, type EventData } from '@crm/contracts';
import { createEvent, encodeEvent, type CloudEvent } from '@crm/events';
import { eventually, startAccountsWorld, USER_ERRORS, type AccountsWorld } from './accounts-fixture';

const UPDATE = `mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { id lifecycle } ${USER_ERRORS} } }`;
const READ = 'query($id: ID!) { customer(id: $id) { lifecycle changes(first: 20) { edges { node { field before after actor { id kind } } } } } }';
const FINANCE = { userId: 'fin-1', roles: ['finance'] };

type Opened = EventData<typeof badCustomerCaseOpenedV1>;
type Closed = EventData<typeof badCustomerCaseClosedV1>;

const openedData = (customerId: string, caseId: string): Opened => ({
  caseId,
  customerId,
  criteria: [{ rule: 'FRAUD_OR_SERIOUS_BREACH_OF_LAW', reason: 'fraud recorded on 2025-03-01: forged guarantee' }],
  measures: [{ measure: 'COLLECT_RECEIVABLES', department: 'BUSINESS_DEPARTMENT' }],
  openedAt: '2025-03-03T01:00:00.000Z',
});
const closedData = (customerId: string, caseId: string, ended: boolean): Closed => ({
  caseId,
  customerId,
  causeAnalysis: 'Guarantee not verified with the bank',
  preventiveMeasures: 'Verify every guarantee with the issuing bank',
  removeFromArchive: ended,
  appliedMeasures: ended ? ['COLLECT_RECEIVABLES', 'REMOVE_FROM_ARCHIVE'] : ['COLLECT_RECEIVABLES'],
  closedAt: '2025-03-10T01:00:00.000Z',
});

describe('accounts: credit’s bad-customer cases move the lifecycle', () => {
  let w: AccountsWorld;
  let cases = 0;
  const nextCaseId = () => (cases += 1).toString(16).padStart(24, 'c');

  /** Publish as credit would; `msgId` lets a test deliver the very same event twice (a redelivery). */
  const publish = async <C extends EventContract>(contract: C, customerId: string, data: EventData<C>, actor = FINANCE, msgId?: string): Promise<CloudEvent> => {
    const event = createEvent(contract, { subject: customerId, data, actor });
    await w.service.bus.js.publish(contract.type, encodeEvent(event), { msgID: msgId ?? event.id });
    return event;
  };
  const activeCustomer = async (name: string): Promise<string> => {
    const id = await w.customer({ name });
    for (const lifecycle of ['QUALIFYING', 'ACTIVE']) await w.ok(UPDATE, { i: { id, changes: { lifecycle } } }, w.tokens.gm);
    return id;
  };
  const read = async (id: string) => (await w.ok(READ, { id }, w.tokens.gm)).customer as { lifecycle: string; changes: { edges: { node: { field: string; before: string | null; after: string | null; actor: { id: string; kind: string } } }[] } };
  /** What credit's events wrote in the history, newest first (the set-up's own lifecycle moves are the general manager's). */
  const caseEntries = async (id: string) => (await read(id)).changes.edges.map((e) => e.node).filter((n) => ['lifecycle', 'badCustomerCase'].includes(n.field) && n.actor.id !== 'gm-1');
  const lifecycleEvents = async (id: string) => (await w.events(customerUpdatedV1, id)).filter((e) => e.data.changes.some((c: { field: string }) => c.field === 'lifecycle'));

  beforeAll(async () => {
    w = await startAccountsWorld();
  });
  afterAll(() => w.service.stop());

  it('makes the customer BAD when a case opens, in its history with the case as the reason and the user credit names, and announces it', async () => {
    const id = await activeCustomer('Forged Guarantee Co');
    const before = (await lifecycleEvents(id)).length;
    const caseId = nextCaseId();
    await publish(badCustomerCaseOpenedV1, id, openedData(id, caseId));
    await eventually(async () => expect((await read(id)).lifecycle).toBe('BAD'));
    const [caseEntry, move] = await caseEntries(id);
    expect(move).toEqual({ field: 'lifecycle', before: '"ACTIVE"', after: '"BAD"', actor: { id: 'fin-1', kind: 'STAFF_MEMBER' } });
    expect(caseEntry.actor).toEqual({ id: 'fin-1', kind: 'STAFF_MEMBER' });
    expect(JSON.parse(caseEntry.after!)).toEqual({ caseId, status: 'OPEN', reason: `bad-customer case ${caseId} opened in credit: FRAUD_OR_SERIOUS_BREACH_OF_LAW` });
    // accounts' own lifecycle event, as for any change: credit, engagement and the others learn BAD from it.
    const events = await lifecycleEvents(id);
    expect(events).toHaveLength(before + 1);
    expect(events.at(-1)!.data).toMatchObject({ customer: { id, lifecycle: 'BAD' }, changes: expect.arrayContaining([{ field: 'lifecycle', before: 'ACTIVE', after: 'BAD' }]) });
  });

  it('applies an opened case once however often it arrives (the same event again, or another event about the same case)', async () => {
    const id = await activeCustomer('Redelivered Case Co');
    const caseId = nextCaseId();
    const first = await publish(badCustomerCaseOpenedV1, id, openedData(id, caseId));
    await eventually(async () => expect((await read(id)).lifecycle).toBe('BAD'));
    // The very event again (a redelivery past the stream's duplicate window) and a republished copy with a new id.
    await w.service.bus.js.publish(badCustomerCaseOpenedV1.type, encodeEvent(first), { msgID: `${first.id}-again` });
    await publish(badCustomerCaseOpenedV1, id, openedData(id, caseId));
    // Another case published after them shows when they have been handled: one consumer takes them in order.
    const later = nextCaseId();
    await publish(badCustomerCaseOpenedV1, id, openedData(id, later));
    await eventually(async () => expect((await caseEntries(id)).some((e) => e.after?.includes(later))).toBe(true));
    const entries = await caseEntries(id);
    expect(entries.filter((e) => e.field === 'lifecycle')).toHaveLength(1);
    expect(entries.filter((e) => e.field === 'badCustomerCase' && e.after?.includes(caseId))).toHaveLength(1);
  });

  it('removes the customer when the case closes with the relationship ended; a late opened event changes nothing', async () => {
    const id = await activeCustomer('Ended Relationship Co');
    const caseId = nextCaseId();
    await publish(badCustomerCaseOpenedV1, id, openedData(id, caseId));
    await eventually(async () => expect((await read(id)).lifecycle).toBe('BAD'));
    await publish(badCustomerCaseClosedV1, id, closedData(id, caseId, true), { userId: '', roles: [] });
    await eventually(async () => expect((await read(id)).lifecycle).toBe('REMOVED'));
    const [closedEntry, move] = await caseEntries(id);
    // credit's event names no user here: the platform's credit actor.
    expect(move).toEqual({ field: 'lifecycle', before: '"BAD"', after: '"REMOVED"', actor: { id: 'system:credit', kind: 'SYSTEM' } });
    expect(JSON.parse(closedEntry.after!)).toEqual({ caseId, status: 'CLOSED', reason: `bad-customer case ${caseId} closed in credit: the relationship ended` });
    const updates = (await lifecycleEvents(id)).length;
    await publish(badCustomerCaseOpenedV1, id, openedData(id, caseId));
    const marker = nextCaseId();
    await publish(badCustomerCaseOpenedV1, id, openedData(id, marker));
    await eventually(async () => expect((await caseEntries(id)).some((e) => e.after?.includes(marker))).toBe(true));
    expect((await read(id)).lifecycle).toBe('REMOVED');
    expect(await lifecycleEvents(id)).toHaveLength(updates);
  });

  it('takes a closed event that arrives before its opened one: through BAD to REMOVED, and the opened one is then a no-op', async () => {
    const id = await activeCustomer('Out Of Order Co');
    const caseId = nextCaseId();
    await publish(badCustomerCaseClosedV1, id, closedData(id, caseId, true));
    await eventually(async () => expect((await read(id)).lifecycle).toBe('REMOVED'));
    expect((await caseEntries(id)).filter((e) => e.field === 'lifecycle').map((e) => [e.before, e.after])).toEqual([
      ['"BAD"', '"REMOVED"'],
      ['"ACTIVE"', '"BAD"'],
    ]);
    await publish(badCustomerCaseOpenedV1, id, openedData(id, caseId));
    const marker = nextCaseId();
    await publish(badCustomerCaseOpenedV1, id, openedData(id, marker));
    await eventually(async () => expect((await caseEntries(id)).some((e) => e.after?.includes(marker))).toBe(true));
    expect((await caseEntries(id)).filter((e) => e.after?.includes(`"caseId":"${caseId}"`))).toHaveLength(1);
  });

  it('leaves a customer BAD when its case closes without ending the relationship, and a prospect where the lifecycle allows no BAD', async () => {
    const id = await activeCustomer('Stays Bad Co');
    const caseId = nextCaseId();
    await publish(badCustomerCaseOpenedV1, id, openedData(id, caseId));
    await eventually(async () => expect((await read(id)).lifecycle).toBe('BAD'));
    await publish(badCustomerCaseClosedV1, id, closedData(id, caseId, false));
    await eventually(async () => expect((await caseEntries(id)).filter((e) => e.field === 'badCustomerCase')).toHaveLength(2));
    expect((await read(id)).lifecycle).toBe('BAD');

    const prospect = await w.customer({ name: 'Prospect With A Case Co' });
    const prospectCase = nextCaseId();
    await publish(badCustomerCaseOpenedV1, prospect, openedData(prospect, prospectCase));
    await eventually(async () => expect((await caseEntries(prospect)).length).toBe(1));
    const [entry] = await caseEntries(prospect);
    expect(JSON.parse(entry.after!)).toMatchObject({ caseId: prospectCase, status: 'OPEN', lifecycleKept: 'the lifecycle cannot move from PROSPECT to BAD' });
    expect((await read(prospect)).lifecycle).toBe('PROSPECT');
  });
});
