import type { Caller } from '@crm/auth';
import type { CustomerScopeDirectory } from '@crm/customer-scope';
import type { Clock } from '@crm/kernel';
import { parseReportPeriod, type WorkingCalendarCopy } from '@crm/working-calendar';
import type { InteractionsService } from '../interactions/interactions.service';
import type { MinutesService } from '../minutes/minutes.service';
import type { ReturnVisitsService } from '../return-visits/return-visits.service';
import type { VisitsService } from '../visits/visits.service';
import { customersIn, tallyActivity, type ActivityFigures } from './activity-rules';

/** A staff member and a period label, as the consultant KPI fields ask for them. */
export interface ActivityKey {
  staffId: string;
  period: string;
}

/** Consultants' engagement activity per period, from the plugins that own the records (docs/domain/engagement.md). */
export class ActivityService {
  constructor(
    private readonly visits: VisitsService,
    private readonly interactions: InteractionsService,
    private readonly returnVisits: ReturnVisitsService,
    private readonly minutes: MinutesService,
    private readonly scopes: CustomerScopeDirectory,
    private readonly calendar: WorkingCalendarCopy,
    private readonly clock: Clock,
  ) {}

  /** Checks a period label (month, quarter or year in the calendar's time zone); BAD_USER_INPUT on `period` otherwise. */
  periodLabel(value: string): string {
    return parseReportPeriod(value, this.calendar.current().config.timeZone, 'period').label;
  }

  /** Figures for many (staff member, period) pairs: per period asked, one query per collection and one visibility check. */
  async figures(caller: Caller, keys: readonly ActivityKey[]): Promise<ActivityFigures[]> {
    const now = this.clock.now();
    const timeZone = this.calendar.current().config.timeZone;
    const byPeriod = new Map<string, Set<string>>();
    for (const { staffId, period } of keys) byPeriod.set(period, (byPeriod.get(period) ?? new Set()).add(staffId));
    const results = new Map<string, ActivityFigures>();
    await Promise.all(
      [...byPeriod].map(async ([label, staff]) => {
        const { from, to } = parseReportPeriod(label, timeZone, 'period');
        const staffIds = [...staff];
        const [visits, interactions, returnVisits, minutes] = await Promise.all([
          this.visits.reportedByStaff(staffIds, from, to),
          this.interactions.countsOfStaff(staffIds, from, to),
          this.returnVisits.missedOfStaff(staffIds, from, to),
          this.minutes.dueOfStaff(staffIds, from, to, now),
        ]);
        const sources = { visits, interactions, returnVisits, minutes };
        const visible = await this.scopes.visibleCustomerIds(caller, customersIn(sources), now);
        for (const [staffId, row] of tallyActivity(staffIds, label, sources, (id) => visible.has(id))) results.set(`${staffId}\u0000${label}`, row);
      }),
    );
    return keys.map((key) => results.get(`${key.staffId}\u0000${key.period}`)!);
  }
}
