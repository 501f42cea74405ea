import { lifecycles, type Lifecycle } from '../customers/customer.model';
import { decideBadCustomerCase, endsRelationship, lifecyclePath, type BadCustomerCaseNews, type KnownBadCustomerCase } from './bad-customer-case-rules';

const at = new Date('2025-06-02T02:00:00Z');
const opened: BadCustomerCaseNews = { kind: 'OPENED', caseId: 'case-1', at };
const closedEnded: BadCustomerCaseNews = { kind: 'CLOSED', caseId: 'case-1', relationshipEnded: true, at };
const closedKept: BadCustomerCaseNews = { kind: 'CLOSED', caseId: 'case-1', relationshipEnded: false, at };
const known = (status: 'OPEN' | 'CLOSED', relationshipEnded: boolean | null = null): KnownBadCustomerCase => ({ caseId: 'case-1', status, relationshipEnded, at });

describe('bad-customer cases in accounts: the lifecycle they ask for', () => {
  it.each<[string, Lifecycle, KnownBadCustomerCase[], BadCustomerCaseNews, Lifecycle[] | 'unchanged' | 'refused']>([
    ['an opened case makes an active customer BAD', 'ACTIVE', [], opened, ['BAD']],
    ['an opened case makes a dormant customer BAD', 'DORMANT', [], opened, ['BAD']],
    ['an opened case leaves a BAD customer BAD (no move, the case is remembered)', 'BAD', [], opened, []],
    ['a prospect cannot become BAD (the state machine refuses): the lifecycle stays', 'PROSPECT', [], opened, 'refused'],
    ['a removed customer stays removed', 'REMOVED', [], opened, 'refused'],
    ['a redelivered opened event changes nothing', 'BAD', [known('OPEN')], opened, 'unchanged'],
    ['an opened event after its closed one changes nothing', 'REMOVED', [known('CLOSED', true)], opened, 'unchanged'],
    ['a closed case that ended the relationship removes a BAD customer', 'BAD', [known('OPEN')], closedEnded, ['REMOVED']],
    ['closed before accounts saw it open: an active customer goes through BAD to REMOVED', 'ACTIVE', [], closedEnded, ['BAD', 'REMOVED']],
    ['closed with the relationship ended: a reinstated active customer goes through BAD to REMOVED', 'ACTIVE', [known('OPEN')], closedEnded, ['BAD', 'REMOVED']],
    ['closed with the relationship ended: a prospect is removed directly', 'PROSPECT', [], closedEnded, ['REMOVED']],
    ['closed otherwise: a BAD customer stays BAD', 'BAD', [known('OPEN')], closedKept, []],
    ['closed otherwise: a customer a person reinstated stays ACTIVE', 'ACTIVE', [known('OPEN')], closedKept, []],
    ['closed otherwise, never seen open: the customer becomes BAD as the opened event would have made it', 'ACTIVE', [], closedKept, ['BAD']],
    ['a redelivered closed event changes nothing', 'REMOVED', [known('CLOSED', true)], closedEnded, 'unchanged'],
  ])('%s', (_, lifecycle, cases, news, expected) => {
    const decision = decideBadCustomerCase({ lifecycle, cases }, news);
    if (expected === 'unchanged') return expect(decision).toBeNull();
    expect(decision).not.toBeNull();
    expect(decision!.cases.filter((c) => c.caseId === news.caseId)).toEqual([news.kind === 'OPENED' ? known('OPEN') : known('CLOSED', news.relationshipEnded)]);
    if (expected === 'refused') {
      expect(decision!.moves).toEqual([]);
      expect(decision!.refused).toMatch(new RegExp(`cannot move from ${lifecycle} to`));
    } else {
      expect(decision!.moves).toEqual(expected);
      expect(decision!.refused).toBeNull();
    }
  });

  it('keeps the other cases of the customer as they were', () => {
    const other: KnownBadCustomerCase = { caseId: 'case-0', status: 'CLOSED', relationshipEnded: false, at: new Date('2024-01-01T00:00:00Z') };
    expect(decideBadCustomerCase({ lifecycle: 'ACTIVE', cases: [other] }, opened)!.cases).toEqual([other, known('OPEN')]);
    expect(decideBadCustomerCase({ lifecycle: 'BAD', cases: [other, known('OPEN')] }, closedEnded)!.cases).toEqual([other, known('CLOSED', true)]);
  });

  it('finds a way only through moves the state machine allows', () => {
    const allowed: Record<Lifecycle, Lifecycle[]> = { PROSPECT: ['QUALIFYING', 'REMOVED'], QUALIFYING: ['ACTIVE', 'PROSPECT', 'REMOVED'], ACTIVE: ['DORMANT', 'BAD'], DORMANT: ['ACTIVE', 'BAD', 'REMOVED'], BAD: ['REMOVED', 'ACTIVE'], REMOVED: [] };
    for (const from of lifecycles) {
      for (const to of ['BAD', 'REMOVED'] as const) {
        const path = lifecyclePath(from, to);
        if (path === null) continue;
        expect(path.at(-1) ?? from).toBe(to);
        path.reduce<Lifecycle>((previous, next) => (expect(allowed[previous]).toContain(next), next), from);
      }
    }
    expect(lifecyclePath('ACTIVE', 'REMOVED')).toEqual(['BAD', 'REMOVED']);
    expect(lifecyclePath('QUALIFYING', 'BAD')).toBeNull();
    expect(lifecyclePath('REMOVED', 'REMOVED')).toEqual([]);
  });

  it.each([
    [{ removeFromArchive: true }, true],
    [{ removeFromArchive: false }, false],
    [{ removeFromArchive: false, appliedMeasures: ['COLLECT_RECEIVABLES', 'DECLARE_RELATIONSHIP_ENDED'] }, true],
    [{ removeFromArchive: false, appliedMeasures: ['REMOVE_FROM_ARCHIVE'] }, true],
    [{ removeFromArchive: false, appliedMeasures: ['COLLECT_RECEIVABLES', 'LEGAL_ACTION'] }, false],
  ])('a closed case %j ends the relationship: %s', (closed, expected) => {
    expect(endsRelationship(closed)).toBe(expected);
  });
});
