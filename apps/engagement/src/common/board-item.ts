/*
 * What the kanban boards are made of: each plugin that owns dated work (visits, minutes, return visits,
 * follow-ups, care tasks) lists a staff member's open items for a time span, in one query; the kanban plugin
 * arranges them in columns (docs/domain/engagement.md, kanban).
 */

/** Kinds of work a board shows; each is the GraphQL type of the item's record. */
export const boardItemKinds = ['VISIT', 'MINUTES', 'RETURN_VISIT', 'FOLLOW_UP', 'CARE_TASK'] as const;
export type BoardItemKind = (typeof boardItemKinds)[number];

/** One open piece of work with the time it is due. */
export interface BoardItem {
  kind: BoardItemKind;
  recordId: string;
  /** The customer the work is for; null for work about no one customer. */
  customerId: string | null;
  title: string;
  dueAt: Date;
  /** The record's own state (APPROVED, DRAFT, MISSED, ...). */
  state: string;
  /** The record itself, resolved as its GraphQL type. */
  record: unknown;
}

/** A staff member's open work due in [from, to) (from null: everything due before `to`), earliest first, at most `limit`. */
export type OpenWorkLister = (staffId: string, from: Date | null, to: Date, limit: number) => Promise<BoardItem[]>;

/** The Mongo condition for a due time in [from, to). */
export function dueBetween(from: Date | null, to: Date): Record<string, Date> {
  return from ? { $gte: from, $lt: to } : { $lt: to };
}
