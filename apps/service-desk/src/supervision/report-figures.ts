import type { SlaClockStatus } from '../sla/sla-clock';
import type { ComplaintCause, TicketStatus, TicketType } from '../tickets/ticket.model';

/*
 * The figures of the supervision reports, accumulated one ticket at a time (the runner streams tickets and
 * reports progress as it goes). Pure: no database, no clock.
 */

export interface SlaComplianceFigures {
  /** Clocks whose outcome is known: met in time, or breached (late or still overdue). */
  decided: number;
  met: number;
  breached: number;
  /** met / decided; null when nothing is decided yet. */
  rate: number | null;
}

export interface DepartmentServiceFigures {
  departmentId: string;
  /** Matters customers raised that the desk accepted (every type). */
  requestsAccepted: number;
  /** Visits we initiated (proactive maintenance). */
  proactiveMaintenance: number;
  complaints: number;
  resolved: number;
  firstResponse: SlaComplianceFigures;
  resolution: SlaComplianceFigures;
}

export interface ServiceSupervisionResult {
  kind: 'SERVICE_SUPERVISION';
  month: string;
  departments: DepartmentServiceFigures[];
}

export interface SupervisionTicketFacts {
  departmentId: string;
  type: TicketType;
  origin: 'CUSTOMER' | 'PROACTIVE';
  status: TicketStatus;
  firstResponse: SlaClockStatus;
  resolution: SlaClockStatus;
}

const resolvedStatuses: TicketStatus[] = ['RESOLVED', 'FOLLOW_UP_VISITED', 'CLOSED'];

function compliance(): SlaComplianceFigures {
  return { decided: 0, met: 0, breached: 0, rate: null };
}

function count(figures: SlaComplianceFigures, status: SlaClockStatus): void {
  if (status === 'MET') figures.met += 1;
  else if (status === 'MET_LATE' || status === 'BREACHED') figures.breached += 1;
  else return;
  figures.decided += 1;
  figures.rate = Math.round((figures.met / figures.decided) * 10_000) / 10_000;
}

/** Monthly service-supervision report per department: requests accepted, proactive maintenance, SLA compliance. */
export class ServiceSupervisionAccumulator {
  private readonly departments = new Map<string, DepartmentServiceFigures>();

  constructor(private readonly month: string) {}

  add(ticket: SupervisionTicketFacts): void {
    let figures = this.departments.get(ticket.departmentId);
    if (!figures) {
      figures = { departmentId: ticket.departmentId, requestsAccepted: 0, proactiveMaintenance: 0, complaints: 0, resolved: 0, firstResponse: compliance(), resolution: compliance() };
      this.departments.set(ticket.departmentId, figures);
    }
    if (ticket.origin === 'PROACTIVE') figures.proactiveMaintenance += 1;
    else figures.requestsAccepted += 1;
    if (ticket.type === 'COMPLAINT') figures.complaints += 1;
    if (resolvedStatuses.includes(ticket.status)) figures.resolved += 1;
    count(figures.firstResponse, ticket.firstResponse);
    count(figures.resolution, ticket.resolution);
  }

  /** Include a department with no tickets (a department manager's own report is never empty). */
  ensureDepartment(departmentId: string): void {
    if (!this.departments.has(departmentId)) {
      this.departments.set(departmentId, { departmentId, requestsAccepted: 0, proactiveMaintenance: 0, complaints: 0, resolved: 0, firstResponse: compliance(), resolution: compliance() });
    }
  }

  result(): ServiceSupervisionResult {
    return { kind: 'SERVICE_SUPERVISION', month: this.month, departments: [...this.departments.values()].sort((a, b) => a.departmentId.localeCompare(b.departmentId)) };
  }
}

export interface CauseCount {
  /** Null: not classified yet. */
  cause: ComplaintCause | null;
  count: number;
  /** Share of the total (0..1). */
  share: number;
}

export interface ComplaintAnalysisResult {
  kind: 'COMPLAINT_ANALYSIS';
  fromMonth: string;
  toMonth: string;
  total: number;
  byCause: CauseCount[];
  /** One entry per month of the range, empty months included, so the trend reads straight. */
  trend: { month: string; count: number; byCause: CauseCount[] }[];
}

function causeCounts(counts: Map<ComplaintCause | null, number>): CauseCount[] {
  const total = [...counts.values()].reduce((sum, n) => sum + n, 0);
  return [...counts.entries()]
    .map(([cause, n]) => ({ cause, count: n, share: total === 0 ? 0 : Math.round((n / total) * 10_000) / 10_000 }))
    .sort((a, b) => b.count - a.count || String(a.cause).localeCompare(String(b.cause)));
}

/** Complaint analysis by cause and trend (per month). */
export class ComplaintAnalysisAccumulator {
  private readonly overall = new Map<ComplaintCause | null, number>();
  private readonly perMonth = new Map<string, Map<ComplaintCause | null, number>>();

  constructor(private readonly months: readonly string[]) {
    for (const month of months) this.perMonth.set(month, new Map());
  }

  add(complaint: { month: string; cause: ComplaintCause | null }): void {
    this.overall.set(complaint.cause, (this.overall.get(complaint.cause) ?? 0) + 1);
    const month = this.perMonth.get(complaint.month);
    if (month) month.set(complaint.cause, (month.get(complaint.cause) ?? 0) + 1);
  }

  result(): ComplaintAnalysisResult {
    return {
      kind: 'COMPLAINT_ANALYSIS',
      fromMonth: this.months[0],
      toMonth: this.months[this.months.length - 1],
      total: [...this.overall.values()].reduce((sum, n) => sum + n, 0),
      byCause: causeCounts(this.overall),
      trend: this.months.map((month) => {
        const counts = this.perMonth.get(month)!;
        return { month, count: [...counts.values()].reduce((sum, n) => sum + n, 0), byCause: causeCounts(counts) };
      }),
    };
  }
}
