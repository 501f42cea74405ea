import { isPartner, type Caller } from '@crm/auth';
import type { CustomerScopeDirectory } from '@crm/customer-scope';
import { BadUserInputError, ForbiddenError, type Clock } from '@crm/kernel';
import { isMonth, parseReportPeriod, type WorkingCalendarCopy } from '@crm/working-calendar';
import type { BoardItem, OpenWorkLister } from '../common/board-item';
import { mayActForStaff } from '../common/staff-rules';
import { arrange, monthlyColumns, weeklyColumns, type ArrangedColumn, type BoardColumn } from './board-rules';

/** How many items of one kind a board shows; more sets `truncated`. */
export const BOARD_ITEMS_PER_KIND = 100;

export interface KanbanBoardView {
  id: string;
  staffId: string;
  kind: 'WEEKLY' | 'MONTHLY';
  columns: ArrangedColumn[];
  itemCount: number;
  truncated: boolean;
}

/**
 * Assembles a staff member's boards from every plugin's open work: one query per kind of work plus one
 * visibility check for the batch, whatever the number of items.
 */
export class KanbanService {
  constructor(
    private readonly sources: readonly OpenWorkLister[],
    private readonly scopes: CustomerScopeDirectory,
    private readonly calendar: WorkingCalendarCopy,
    private readonly clock: Clock,
  ) {}

  weekly(caller: Caller, staffId: string | null): Promise<KanbanBoardView> {
    const now = this.clock.now();
    return this.board(caller, staffId ?? caller.userId, 'WEEKLY', weeklyColumns(now, this.timeZone), now);
  }

  monthly(caller: Caller, staffId: string | null, month: string | null): Promise<KanbanBoardView> {
    const now = this.clock.now();
    if (month !== null && !isMonth(month)) throw new BadUserInputError('month', 'must be a month, e.g. 2025-03');
    const start = month === null ? now : parseReportPeriod(month, this.timeZone, 'month').from;
    return this.board(caller, staffId ?? caller.userId, 'MONTHLY', monthlyColumns(start, this.timeZone), now);
  }

  private get timeZone(): string {
    return this.calendar.current().config.timeZone;
  }

  private async board(caller: Caller, staffId: string, kind: KanbanBoardView['kind'], columns: BoardColumn[], now: Date): Promise<KanbanBoardView> {
    if (isPartner(caller) || !mayActForStaff(caller, staffId)) throw new ForbiddenError(`You may not read the board of ${staffId}`);
    const from = columns[0].from;
    const to = columns[columns.length - 1].to;
    const lists = await Promise.all(this.sources.map((list) => list(staffId, from, to, BOARD_ITEMS_PER_KIND + 1)));
    const truncated = lists.some((items) => items.length > BOARD_ITEMS_PER_KIND);
    const items = await this.readable(caller, staffId, lists.flatMap((items) => items.slice(0, BOARD_ITEMS_PER_KIND)), now);
    const arranged = arrange(columns, items);
    const firstDay = (columns[0].from ?? columns[1]?.from ?? to).toISOString();
    return { id: `${staffId}:${kind}:${firstDay}`, staffId, kind, columns: arranged, itemCount: arranged.reduce((n, c) => n + c.items.length, 0), truncated };
  }

  /** Only work for customers the caller may read (a handed-over customer drops off); work about no customer shows on its owner's board only. */
  private async readable(caller: Caller, staffId: string, items: BoardItem[], now: Date): Promise<BoardItem[]> {
    const customerIds = [...new Set(items.flatMap((item) => (item.customerId ? [item.customerId] : [])))];
    const visible = customerIds.length > 0 ? await this.scopes.visibleCustomerIds(caller, customerIds, now) : new Set<string>();
    return items.filter((item) => (item.customerId ? visible.has(item.customerId) : staffId === caller.userId));
  }
}
