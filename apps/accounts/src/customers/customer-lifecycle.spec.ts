import { canMoveLifecycle } from './customer-lifecycle';
import { lifecycles, type Lifecycle } from './customer.model';

/** docs/domain/accounts.md: the moves a customer's lifecycle allows, besides staying where it is. */
const moves: Record<Lifecycle, Lifecycle[]> = {
  PROSPECT: ['QUALIFYING', 'REMOVED'],
  QUALIFYING: ['ACTIVE', 'PROSPECT', 'REMOVED'],
  ACTIVE: ['DORMANT', 'BAD'],
  DORMANT: ['ACTIVE', 'BAD', 'REMOVED'],
  BAD: ['REMOVED', 'ACTIVE'],
  REMOVED: [],
};

describe('customer lifecycle', () => {
  it.each(lifecycles.flatMap((from) => lifecycles.map((to) => [from, to] as const)))('%s → %s is allowed only as the lifecycle says', (from, to) => {
    expect(canMoveLifecycle(from, to)).toBe(from === to || moves[from].includes(to));
  });

  it('keeps a removed customer removed', () => {
    expect(lifecycles.filter((to) => canMoveLifecycle('REMOVED', to))).toEqual(['REMOVED']);
  });
});
