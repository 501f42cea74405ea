import { canMoveLifecycle } from '../customers/customer-lifecycle';
import type { Lifecycle } from '../customers/customer.model';

/*
 * What accounts does with credit's bad-customer cases (docs/domain/accounts.md, bad customers): an opened case makes
 * the customer BAD; a case closed with the relationship ended (removed from the archive, or declared ended) makes it
 * REMOVED; a case closed otherwise leaves the lifecycle where it is. Every move goes through the lifecycle's state
 * machine. Each case is remembered on the customer, so a redelivered event, or an opened event arriving after its
 * closed one, changes nothing.
 */

/** A case as accounts remembers it on the customer. */
export interface KnownBadCustomerCase {
  caseId: string;
  status: 'OPEN' | 'CLOSED';
  /** Whether the closed case ended the relationship (null while open). */
  relationshipEnded: boolean | null;
  /** The time of the latest event about the case that accounts applied. */
  at: Date;
}

export type BadCustomerCaseNews = { kind: 'OPENED'; caseId: string; at: Date } | { kind: 'CLOSED'; caseId: string; relationshipEnded: boolean; at: Date };

/** The measures that end the relationship: after them the customer leaves the archive. */
export const relationshipEndingMeasures = ['REMOVE_FROM_ARCHIVE', 'DECLARE_RELATIONSHIP_ENDED'] as const;

/** Whether a closed case ended the relationship: its flag, or one of the measures applied (when the event lists them). */
export function endsRelationship(closed: { removeFromArchive: boolean; appliedMeasures?: readonly string[] | null }): boolean {
  return closed.removeFromArchive || (closed.appliedMeasures ?? []).some((measure) => (relationshipEndingMeasures as readonly string[]).includes(measure));
}

/**
 * The lifecycle moves from `from` to `to` that the state machine allows, one step or through BAD (ACTIVE → BAD →
 * REMOVED: a bad customer's relationship ends); [] when already there; null when the machine allows no way.
 */
export function lifecyclePath(from: Lifecycle, to: Lifecycle): Lifecycle[] | null {
  if (from === to) return [];
  if (canMoveLifecycle(from, to)) return [to];
  if (to === 'REMOVED' && canMoveLifecycle(from, 'BAD') && canMoveLifecycle('BAD', 'REMOVED')) return ['BAD', 'REMOVED'];
  return null;
}

export interface BadCustomerCaseDecision {
  /** The cases as they are after this news. */
  cases: KnownBadCustomerCase[];
  /** The lifecycle the news asks for; null when it asks for none. */
  target: Lifecycle | null;
  /** The moves to get there (empty: already there, or no target). */
  moves: Lifecycle[];
  /** Set when the state machine allows no way to the target: the lifecycle stays, the case is still remembered. */
  refused: string | null;
}

/** What one event about a case changes; null when nothing (a redelivery, or news older than what accounts knows). */
export function decideBadCustomerCase(current: { lifecycle: Lifecycle; cases: readonly KnownBadCustomerCase[] }, news: BadCustomerCaseNews): BadCustomerCaseDecision | null {
  const known = current.cases.find((c) => c.caseId === news.caseId);
  if (news.kind === 'OPENED' && known) return null;
  if (news.kind === 'CLOSED' && known?.status === 'CLOSED') return null;
  const record: KnownBadCustomerCase =
    news.kind === 'OPENED' ? { caseId: news.caseId, status: 'OPEN', relationshipEnded: null, at: news.at } : { caseId: news.caseId, status: 'CLOSED', relationshipEnded: news.relationshipEnded, at: news.at };
  const cases = known ? current.cases.map((c) => (c.caseId === news.caseId ? record : c)) : [...current.cases, record];
  // Closed without ending the relationship: a case accounts saw open already made the customer BAD, and whatever
  // became of the lifecycle since (a person may have reinstated it) stands; a case never seen open makes it BAD now.
  const target: Lifecycle | null = news.kind === 'OPENED' ? 'BAD' : news.relationshipEnded ? 'REMOVED' : known ? null : 'BAD';
  if (target === null) return { cases, target, moves: [], refused: null };
  const moves = lifecyclePath(current.lifecycle, target);
  if (moves === null) return { cases, target, moves: [], refused: `the lifecycle cannot move from ${current.lifecycle} to ${target}` };
  return { cases, target, moves, refused: null };
}
