// The KPI scorecard benchmark's data (scripts/benchmarks/kpi-scorecard.bench.ts). One deterministic plan per customer
// (`customerPlan`) says who owns it, when it was created, what it bought, whether it complained, how often it was
// visited and contacted; each subgraph's builder turns the plan into the documents that subgraph stores, so the ids
// and dates agree across the five databases as if the events had flowed. Documents are shaped as the mongoose models
// store them (the benchmark validates one of each against the service's model before seeding).
import { Types } from 'mongoose';
import { normaliseName } from '../../apps/accounts/src/duplicates/duplicate-identity';
import { addDays, calendarDayOf, dayNumber } from '../../apps/credit/src/money/calendar-day';
import { scoreOf } from '../../apps/surveys/src/survey-responses/survey-response-rules';
import { seedItems, type SatisfactionLevel } from '../../apps/surveys/src/survey-responses/survey-templates';
import type { Batch } from './bench-seeding';

const DAY = 86_400_000;
const TIME_ZONE = 'Asia/Shanghai';
const REGIONS = ['East', 'West', 'North', 'South', 'Central'];
const PRODUCTS = Array.from({ length: 12 }, (_, i) => `P-${String(i).padStart(2, '0')}`);
const LEVELS: SatisfactionLevel[] = ['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'DISSATISFIED'];
const SURVEY_TEMPLATES = ['AFTER_SALE', 'AFTER_SERVICE', 'VISIT'] as const;
const CHANNELS = ['PHONE', 'EMAIL', 'FACE_TO_FACE', 'SOCIAL_MEDIA'] as const;
const TICKET_TYPES = ['COMPLAINT', 'SERVICE_REQUEST', 'INQUIRY', 'REPAIR'] as const;

/** The staff the data is spread over: `consultants` consultants round-robin over `departments` departments. */
export interface KpiStaff {
  consultants: number;
  departments: number;
}

export const departmentIdOf = (d: number) => `KD-${String(d).padStart(2, '0')}`;
export const consultantIdOf = (i: number) => `kc-${String(i).padStart(4, '0')}`;
export const departmentOfConsultant = (i: number, staff: KpiStaff) => departmentIdOf(i % staff.departments);

/**
 * The year the scorecard reads, and the instants the data falls between: from 2 January to two days before `now`
 * (or 30 December for a past year), so every record of the year lies in the period in the calendar's time zone and
 * nothing is dated after the platform's clock. A quarter of the customers are created the year before.
 */
export interface KpiWindow {
  year: number;
  from: Date;
  to: Date;
}

export function kpiWindow(year: number, now: Date): KpiWindow {
  const from = new Date(Date.UTC(year, 0, 2));
  const to = new Date(Math.min(Date.UTC(year, 11, 30), now.getTime() - 2 * DAY));
  if (to.getTime() - from.getTime() < 30 * DAY) throw new Error(`the benchmark year ${year} has less than a month behind ${now.toISOString()}: choose an earlier KPI_BENCH_YEAR`);
  return { year, from, to };
}

/** A deterministic pseudo-random stream, so runs seed the same data. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1_664_525 + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
}

/** 24 hex digits: a kind of record, the customer, and the record's number within the customer. */
const hexId = (kind: number, customer: number, k: number) => kind.toString(16).padStart(2, '0') + customer.toString(16).padStart(14, '0') + k.toString(16).padStart(8, '0');
const oid = (kind: number, customer: number, k: number) => new Types.ObjectId(hexId(kind, customer, k));
export const customerIdOf = (c: number) => hexId(1, c, 0);

interface OrderPlan {
  id: string;
  at: Date;
  amountMinor: number;
  product: string;
  /** Paid in full, in half, or not at all; paid 20 days after delivery when that is before the window's end. */
  paid: 'FULL' | 'HALF' | 'NONE';
}

interface TicketPlan {
  id: Types.ObjectId;
  type: (typeof TICKET_TYPES)[number];
  at: Date;
}

/** One customer's story, the same whichever subgraph's documents are built from it. */
export interface CustomerPlan {
  c: number;
  id: string;
  name: string;
  consultantId: string;
  departmentId: string;
  region: string;
  createdAt: Date;
  /** In the window's year (counts for newCustomers). */
  newInYear: boolean;
  /** Delivered orders, oldest first: the first is the first purchase. */
  orders: OrderPlan[];
  tickets: TicketPlan[];
  /** One survey response after the first purchase, for half of the buyers. */
  survey: { at: Date; levels: SatisfactionLevel[]; template: (typeof SURVEY_TEMPLATES)[number] } | null;
  /** Reported visits (each with minutes, a fifth of them submitted late). */
  visits: { at: Date; lateMinutes: boolean }[];
  interactions: { at: Date; channel: (typeof CHANNELS)[number] }[];
  /** The first order's return visit, a quarter of them missed. */
  returnVisit: { dueAt: Date; missed: boolean } | null;
}

const between = (next: () => number, from: Date, to: Date) => new Date(from.getTime() + Math.floor(next() * (to.getTime() - from.getTime())));

/** The plan of customer `c` (0-based): about 40 % buy (1 to 3 orders), 15 % open a ticket, everyone is visited or contacted. */
export function customerPlan(c: number, staff: KpiStaff, window: KpiWindow): CustomerPlan {
  const next = random(c * 7 + 3);
  const owner = c % staff.consultants;
  const yearStart = new Date(Date.UTC(window.year, 0, 1));
  const newInYear = next() < 0.75;
  const createdAt = newInYear ? between(next, window.from, new Date(window.to.getTime() - 20 * DAY)) : between(next, new Date(Date.UTC(window.year - 1, 0, 2)), new Date(yearStart.getTime() - 2 * DAY));
  const orders: OrderPlan[] = [];
  if (next() < 0.4) {
    const count = 1 + Math.floor(next() * 3);
    const firstFrom = new Date(Math.max(createdAt.getTime() + DAY, window.from.getTime()));
    let at = between(next, firstFrom, new Date(window.to.getTime() - 10 * DAY));
    for (let k = 0; k < count && at.getTime() < window.to.getTime(); k += 1) {
      const paid = next();
      orders.push({ id: hexId(2, c, k), at, amountMinor: 10_000 + Math.floor(next() * 2_000_000), product: PRODUCTS[Math.floor(next() * PRODUCTS.length)], paid: paid < 0.6 ? 'FULL' : paid < 0.8 ? 'HALF' : 'NONE' });
      at = new Date(at.getTime() + (5 + Math.floor(next() * 40)) * DAY);
    }
  }
  const tickets: TicketPlan[] = [];
  if (next() < 0.15) {
    const count = 1 + Math.floor(next() * 2);
    for (let k = 0; k < count; k += 1) tickets.push({ id: oid(3, c, k), type: k === 0 && next() < 0.6 ? 'COMPLAINT' : TICKET_TYPES[Math.floor(next() * TICKET_TYPES.length)], at: between(next, window.from, window.to) });
  }
  const template = SURVEY_TEMPLATES[c % SURVEY_TEMPLATES.length];
  const survey =
    orders.length > 0 && next() < 0.5
      ? { at: new Date(Math.min(orders[0].at.getTime() + 3 * DAY, window.to.getTime())), template, levels: seedItems(template).map(() => LEVELS[Math.min(4, Math.floor(next() * next() * 5))]) }
      : null;
  // Visits end three days before the window does, so their minutes fall due in the year too.
  const visits = Array.from({ length: Math.floor(next() * 3) }, () => ({ at: between(next, window.from, new Date(window.to.getTime() - 3 * DAY)), lateMinutes: next() < 0.2 }));
  const interactions = Array.from({ length: 1 + Math.floor(next() * 4) }, () => ({ at: between(next, window.from, window.to), channel: CHANNELS[Math.floor(next() * CHANNELS.length)] }));
  const returnVisitDue = orders.length > 0 ? new Date(orders[0].at.getTime() + 7 * DAY) : null;
  const returnVisit = returnVisitDue && returnVisitDue.getTime() < window.to.getTime() ? { dueAt: returnVisitDue, missed: next() < 0.25 } : null;
  return {
    c,
    id: customerIdOf(c),
    name: `Bench Customer ${c}`,
    consultantId: consultantIdOf(owner),
    departmentId: departmentOfConsultant(owner, staff),
    region: REGIONS[c % REGIONS.length],
    createdAt,
    newInYear,
    orders,
    tickets,
    survey,
    visits,
    interactions,
    returnVisit,
  };
}

/** What the general manager's scorecard should add up to over all consultants, for the benchmark's check line. */
export interface KpiTotals {
  customers: number;
  newCustomers: number;
  convertedCustomers: number;
  complaints: number;
  responses: number;
  salesMinor: number;
  visits: number;
  interactions: number;
  returnVisitsMissed: number;
  minutesDue: number;
}

export function expectedTotals(customers: number, staff: KpiStaff, window: KpiWindow): KpiTotals {
  const totals: KpiTotals = { customers, newCustomers: 0, convertedCustomers: 0, complaints: 0, responses: 0, salesMinor: 0, visits: 0, interactions: 0, returnVisitsMissed: 0, minutesDue: 0 };
  for (let c = 0; c < customers; c += 1) {
    const plan = customerPlan(c, staff, window);
    if (plan.newInYear) totals.newCustomers += 1;
    if (plan.newInYear && plan.orders.length > 0) totals.convertedCustomers += 1;
    totals.complaints += plan.tickets.filter((t) => t.type === 'COMPLAINT').length;
    totals.responses += plan.survey ? 1 : 0;
    totals.salesMinor += plan.orders.reduce((sum, o) => sum + o.amountMinor, 0);
    totals.visits += plan.visits.length;
    totals.minutesDue += plan.visits.length;
    totals.interactions += plan.interactions.length;
    totals.returnVisitsMissed += plan.returnVisit?.missed ? 1 : 0;
  }
  return totals;
}

/** A builder of one subgraph's documents for customers [from, to). */
export type KpiBatchBuilder = (from: number, to: number) => Batch;

const plans = (from: number, to: number, staff: KpiStaff, window: KpiWindow) => Array.from({ length: to - from }, (_, i) => customerPlan(from + i, staff, window));

/** The customer-scope copy each scoped service keeps from accounts' customer events. */
const scopeOf = (p: CustomerPlan) => ({ _id: p.id, ownerId: p.consultantId, departmentId: p.departmentId, assignedStaffIds: [], partnerIds: [], asOf: p.createdAt });

/** accounts: the customers (created in the period or the year before; the first purchase kept from credit's delivery). */
export function accountsBatch(staff: KpiStaff, window: KpiWindow): KpiBatchBuilder {
  return (from, to) => ({
    customers: plans(from, to, staff, window).map((p) => {
      const bought = p.orders.length > 0;
      return {
        _id: new Types.ObjectId(p.id),
        name: p.name,
        kind: 'ORGANISATION',
        listType: 'ENTERPRISE',
        region: p.region,
        organisation: null,
        individual: null,
        contacts: [],
        needs: null,
        characteristics: null,
        managementStatus: null,
        tradingStatus: null,
        ownerId: p.consultantId,
        departmentId: p.departmentId,
        lifecycle: bought ? 'ACTIVE' : 'PROSPECT',
        lifecycleRank: bought ? 2 : 0,
        partnerIds: [],
        lastVerifiedAt: p.createdAt,
        mergedInto: null,
        history: [],
        revision: bought ? 1 : 0,
        createdBy: 'bench',
        createdAt: p.createdAt,
        updatedAt: bought ? p.orders[0].at : p.createdAt,
        pendingEvents: [],
        // The extension plugins' parts, at their defaults.
        firstPurchase: bought ? { at: p.orders[0].at, orderId: p.orders[0].id } : null,
        normalized: { name: normaliseName(p.name), sortName: p.name.toLowerCase(), phones: [], emails: [] },
        duplicateCandidates: [],
        mergedFrom: [],
        category: bought ? 'GENERAL' : 'POTENTIAL',
        importance: 'GENERAL',
        assignedStaffIds: [],
        salesTier: null,
        qualification: null,
        filing: null,
        listReview: null,
      };
    }),
  });
}

/** credit: one delivered order per purchase and the customer's ledger with an invoice per order (paid, half paid or open). */
export function creditBatch(staff: KpiStaff, window: KpiWindow): KpiBatchBuilder {
  return (from, to) => {
    const orders: Record<string, unknown>[] = [];
    const ledgers: Record<string, unknown>[] = [];
    for (const p of plans(from, to, staff, window)) {
      if (p.orders.length === 0) continue;
      const invoices: Record<string, unknown>[] = [];
      let outstanding = 0;
      let oldestOpen: number | null = null;
      p.orders.forEach((o, k) => {
        const check = { at: o.at, outcome: 'PASSED', reasons: [], exposureMinor: 0, availableMinor: null, creditLimitMinor: null, openReceivablesMinor: 0, openOrdersMinor: 0, oldestOverdueDays: null };
        orders.push({
          _id: new Types.ObjectId(o.id),
          customerId: p.id,
          consultantId: p.consultantId,
          departmentId: p.departmentId,
          region: p.region,
          eventId: null,
          lines: [{ product: o.product, quantity: 1, unitPriceMinor: o.amountMinor, amountMinor: o.amountMinor }],
          currency: 'CNY',
          amountMinor: o.amountMinor,
          status: 'DELIVERED',
          creditCheck: check,
          decisions: [{ kind: 'CHECK', outcome: 'PASSED', at: o.at, by: 'bench', note: null, check }],
          placedBy: 'bench',
          placedAt: o.at,
          orderedAt: o.at,
          deliveredAt: o.at,
          deliveredBy: 'bench',
          cancelledAt: null,
          cancelledBy: null,
          cancelReason: null,
          revision: 2,
          pendingEvents: [],
        });
        const issuedOn = calendarDayOf(o.at, TIME_ZONE);
        const dueOn = addDays(issuedOn, 30);
        const paidAt = new Date(o.at.getTime() + 20 * DAY);
        const paidMinor = paidAt.getTime() > window.to.getTime() || o.paid === 'NONE' ? 0 : o.paid === 'FULL' ? o.amountMinor : Math.floor(o.amountMinor / 2);
        if (paidMinor < o.amountMinor) {
          outstanding += o.amountMinor - paidMinor;
          oldestOpen = Math.min(oldestOpen ?? Infinity, dayNumber(dueOn));
        }
        invoices.push({
          id: hexId(4, p.c, k),
          orderId: o.id,
          consultantId: p.consultantId,
          departmentId: p.departmentId,
          region: p.region,
          amountMinor: o.amountMinor,
          paidMinor,
          issuedAt: o.at,
          issuedOn,
          dueOn,
          dueDayNumber: dayNumber(dueOn),
          paymentTermDays: 30,
          settledAt: paidMinor === o.amountMinor ? paidAt : null,
          allocations: paidMinor > 0 ? [{ paymentId: hexId(5, p.c, k), amountMinor: paidMinor, at: paidAt }] : [],
          dunningLevel: 0,
          lastReminderAt: null,
        });
      });
      const payments = invoices.flatMap((invoice) =>
        (invoice.allocations as { paymentId: string; amountMinor: number; at: Date }[]).map((a) => ({
          id: a.paymentId,
          amountMinor: a.amountMinor,
          receivedAt: a.at,
          reference: null,
          recordedBy: 'bench',
          recordedAt: a.at,
          idempotencyKey: null,
          allocations: [{ invoiceId: invoice.id, amountMinor: a.amountMinor }],
          heldAsCreditMinor: 0,
        })),
      );
      ledgers.push({ _id: p.id, currency: 'CNY', invoices, payments, creditMinor: 0, outstandingMinor: outstanding, oldestOpenDueDayNumber: oldestOpen, revision: p.orders.length, pendingEvents: [] });
    }
    return { credit_orders: orders, credit_ledgers: ledgers };
  };
}

/** surveys: a response after the first purchase, counted for the owner and their department. */
export function surveysBatch(staff: KpiStaff, window: KpiWindow): KpiBatchBuilder {
  return (from, to) => ({
    survey_responses: plans(from, to, staff, window).flatMap((p) => {
      if (!p.survey) return [];
      const items = seedItems(p.survey.template);
      const answers = items.map((item, j) => ({ item, level: p.survey!.levels[j], comment: null }));
      const needsFollowUp = answers.some((a) => a.level === 'NOT_VERY_SATISFIED' || a.level === 'DISSATISFIED');
      return [
        {
          _id: oid(6, p.c, 0),
          customerId: p.id,
          template: p.survey.template,
          templateVersion: 1,
          answers,
          consultantId: p.consultantId,
          attribution: { consultantId: p.consultantId, departmentId: p.departmentId, region: p.region, products: [p.orders[0].product] },
          sourceTicketId: null,
          sourceTicketFirstResponderId: null,
          // Followed up and closed: the overdue watch has nothing to raise.
          followUpDueAt: needsFollowUp ? new Date(p.survey.at.getTime() + DAY) : null,
          followUpClosedAt: needsFollowUp ? new Date(p.survey.at.getTime() + DAY / 2) : null,
          respondedAt: p.survey.at,
          score: scoreOf(answers),
          needsFollowUp,
          recordedBy: 'bench',
          recordedAt: p.survey.at,
          pendingEvents: [],
        },
      ];
    }),
  });
}

/** service-desk: tickets (closed, so the SLA watch skips them), its known customers and its customer-scope copies. */
export function serviceDeskBatch(staff: KpiStaff, window: KpiWindow): KpiBatchBuilder {
  return (from, to) => {
    const all = plans(from, to, staff, window);
    const tickets = all.flatMap((p) =>
      p.tickets.map((t, k) => {
        const closedAt = new Date(t.at.getTime() + DAY);
        return {
          _id: t.id,
          type: t.type,
          channel: 'PHONE',
          severity: 'MEDIUM',
          matter: `Bench matter ${k} of customer ${p.c}`,
          complainant: { name: 'Bench Complainant' },
          customerId: p.id,
          customerOwnerId: p.consultantId,
          customerDepartmentId: p.departmentId,
          scopeAsOf: p.createdAt,
          consultantAtOpeningId: p.consultantId,
          customerImportance: 'GENERAL',
          product: p.orders[0]?.product ?? null,
          origin: 'CUSTOMER',
          cause: t.type === 'COMPLAINT' ? 'DELIVERY' : null,
          firstResponderId: 'agent-bench',
          assigneeId: 'agent-bench',
          assigneeRole: 'FIRST_RESPONDER',
          status: 'CLOSED',
          openedAt: t.at,
          registeredAt: t.at,
          handlingRound: 1,
          escalationLevel: 0,
          slaPolicyId: 'bench',
          slaPolicyVersion: 1,
          promisedReplyBy: new Date(t.at.getTime() + 4 * 3_600_000),
          resolutionDueAt: null,
          firstRespondedAt: new Date(t.at.getTime() + 3_600_000),
          handlingPlan: null,
          resolution: { summary: 'Resolved (bench)', byUserId: 'agent-bench', at: closedAt, atOnce: true },
          followUpVisitedAt: null,
          satisfactionConfirmedAt: null,
          waitingForCustomerSince: null,
          closedAt,
          transfers: [],
          escalations: [],
          slaAlerts: [],
          history: [
            { seq: 1, kind: 'OPENED', at: t.at, actorId: 'agent-bench', fromStatus: null, toStatus: 'RECEIVED', note: null, details: { channel: 'PHONE', severity: 'MEDIUM' } },
            { seq: 2, kind: 'CLOSED', at: closedAt, actorId: 'agent-bench', fromStatus: 'RESOLVED', toStatus: 'CLOSED', note: null, details: { handlingRounds: 1 } },
          ],
          surveyResponseId: null,
          revision: 2,
          createdAt: t.at,
          updatedAt: closedAt,
          pendingEvents: [],
        };
      }),
    );
    return {
      known_customers: all.map((p) => ({ _id: p.id, name: p.name, ownerId: p.consultantId, departmentId: p.departmentId, lifecycle: p.orders.length > 0 ? 'ACTIVE' : 'PROSPECT', importance: 'GENERAL', asOf: p.createdAt })),
      customer_scopes: all.map(scopeOf),
      tickets,
    };
  };
}

/** engagement: reported visits with their minutes, interactions, first-order return visits (done or missed), scope copies. */
export function engagementBatch(staff: KpiStaff, window: KpiWindow): KpiBatchBuilder {
  return (from, to) => {
    const visits: Record<string, unknown>[] = [];
    const minutes: Record<string, unknown>[] = [];
    const interactions: Record<string, unknown>[] = [];
    const returnVisits: Record<string, unknown>[] = [];
    const all = plans(from, to, staff, window);
    for (const p of all) {
      p.visits.forEach((v, k) => {
        const visitId = oid(7, p.c, k);
        const plannedAt = new Date(v.at.getTime() - DAY);
        visits.push({
          _id: visitId,
          customerId: p.id,
          departmentId: p.departmentId,
          kind: 'SALES',
          purpose: 'Bench visit',
          goals: [],
          product: null,
          accompanyingStaffIds: [],
          plannedAt,
          staffId: p.consultantId,
          status: 'REPORTED',
          plannedBy: p.consultantId,
          createdAt: new Date(plannedAt.getTime() - 2 * DAY),
          decision: { approved: true, decidedBy: 'manager-bench', decidedAt: new Date(plannedAt.getTime() - DAY), reason: null },
          report: {
            visitedAt: v.at,
            questionsRaised: null,
            opinions: null,
            wishes: null,
            importantMatters: [],
            marketSituation: null,
            competitorMoves: null,
            competitorSalesPolicies: null,
            customerReaction: null,
            returnVisitId: null,
            reportedBy: p.consultantId,
            reportedAt: v.at,
          },
          revision: 2,
          pendingEvents: [],
        });
        // Due two days after the meeting; submitted (so the overdue watch has nothing to raise), a fifth of them late.
        const dueAt = new Date(v.at.getTime() + 2 * DAY);
        const submittedAt = new Date(dueAt.getTime() + (v.lateMinutes ? DAY : -DAY));
        minutes.push({
          _id: oid(8, p.c, k),
          source: { kind: 'VISIT', id: visitId.toHexString() },
          customerId: p.id,
          departmentId: p.departmentId,
          staffId: p.consultantId,
          meetingAt: v.at,
          dueAt,
          openedAt: v.at,
          status: 'SUBMITTED',
          text: 'Bench minutes',
          attendees: [],
          submittedAt,
          submittedBy: p.consultantId,
          reviews: [],
          confirmation: null,
          overdueNotifiedAt: v.lateMinutes ? dueAt : null,
          revision: 1,
          pendingEvents: [],
        });
      });
      p.interactions.forEach((i, k) =>
        interactions.push({
          _id: oid(9, p.c, k),
          customerId: p.id,
          channel: i.channel,
          occurredAt: i.at,
          staffId: p.consultantId,
          summary: 'Bench contact',
          outcome: null,
          nextStep: null,
          returnVisitId: null,
          loggedBy: p.consultantId,
          loggedAt: i.at,
          pendingEvents: [],
        }),
      );
      if (p.returnVisit) {
        const rv = p.returnVisit;
        returnVisits.push({
          _id: oid(10, p.c, 0),
          scheduleId: hexId(11, p.c, 0),
          sequence: 1,
          orderId: p.orders[0].id,
          customerId: p.id,
          staffId: p.consultantId,
          departmentId: p.departmentId,
          deliveredAt: p.orders[0].at,
          dueAt: rv.dueAt,
          status: rv.missed ? 'MISSED' : 'COMPLETED',
          completion: rv.missed ? null : { kind: 'INTERACTION', id: hexId(9, p.c, 0), completedBy: p.consultantId, completedAt: rv.dueAt, late: false },
          missedAt: rv.missed ? new Date(rv.dueAt.getTime() + DAY) : null,
          revision: 1,
          pendingEvents: [],
        });
      }
    }
    return { customer_scopes: all.map(scopeOf), visits, minutes, interactions, return_visits: returnVisits };
  };
}
