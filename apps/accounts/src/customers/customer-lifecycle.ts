import type { Lifecycle } from './customer.model';

/** The lifecycle of docs/domain/accounts.md; only these moves are allowed. */
const allowedMoves: Record<Lifecycle, Lifecycle[]> = {
  PROSPECT: ['QUALIFYING', 'REMOVED'],
  QUALIFYING: ['ACTIVE', 'PROSPECT', 'REMOVED'],
  ACTIVE: ['DORMANT', 'BAD'],
  DORMANT: ['ACTIVE', 'BAD', 'REMOVED'],
  BAD: ['REMOVED', 'ACTIVE'],
  REMOVED: [],
};

export function canMoveLifecycle(from: Lifecycle, to: Lifecycle): boolean {
  return from === to || allowedMoves[from].includes(to);
}
