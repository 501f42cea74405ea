// Demo data for the service desk, through the gateway: a holiday calendar and an on-call roster, an SLA policy
// version, tickets in every state (transfers, second handling, breaches and escalations), a fault report with
// its analysis, and report runs — so a new user can see breaches, escalations and reports at once.
import { call, callWhenKnown } from './demo-data';

/**
 * China's public holidays and make-up workdays (调休) for 2026 as published by the State Council, and the fixed
 * New Year's Day 2027. Demo data: the calendar is managed through GraphQL (setCalendarDay), check each year's notice.
 */
const holidays2026 = [
  ['2026-01-01', '2026-01-03', 'New Year'],
  ['2026-02-15', '2026-02-23', 'Spring Festival'],
  ['2026-04-04', '2026-04-06', 'Qingming'],
  ['2026-05-01', '2026-05-05', 'Labour Day'],
  ['2026-06-19', '2026-06-21', 'Dragon Boat Festival'],
  ['2026-09-25', '2026-09-27', 'Mid-Autumn Festival'],
  ['2026-10-01', '2026-10-07', 'National Day'],
  ['2027-01-01', '2027-01-01', 'New Year'],
] as const;
const makeUpWorkdays2026 = [
  ['2026-01-04', 'New Year make-up'],
  ['2026-02-14', 'Spring Festival make-up'],
  ['2026-02-28', 'Spring Festival make-up'],
  ['2026-05-09', 'Labour Day make-up'],
  ['2026-09-20', 'National Day make-up'],
  ['2026-10-10', 'National Day make-up'],
] as const;

function daysFrom(first: string, last: string): string[] {
  const days: string[] = [];
  for (let d = new Date(`${first}T00:00:00Z`); d.toISOString().slice(0, 10) <= last; d = new Date(d.getTime() + 86_400_000)) days.push(d.toISOString().slice(0, 10));
  return days;
}

const HOUR = 60;
const DAY = 9 * HOUR;
/** Version 2: key customers answered faster; a CRITICAL matter around the clock. */
const policyV2Targets = [
  { severity: 'CRITICAL', importance: 'KEY', firstResponseMinutes: 30, resolutionMinutes: 4 * HOUR, businessHoursOnly: false },
  { severity: 'CRITICAL', importance: 'GENERAL', firstResponseMinutes: HOUR, resolutionMinutes: 8 * HOUR, businessHoursOnly: false },
  { severity: 'HIGH', importance: 'KEY', firstResponseMinutes: 45, resolutionMinutes: DAY, businessHoursOnly: true },
  { severity: 'HIGH', importance: 'GENERAL', firstResponseMinutes: 2 * HOUR, resolutionMinutes: 2 * DAY, businessHoursOnly: true },
  { severity: 'MEDIUM', importance: 'KEY', firstResponseMinutes: 2 * HOUR, resolutionMinutes: 2 * DAY, businessHoursOnly: true },
  { severity: 'MEDIUM', importance: 'GENERAL', firstResponseMinutes: 4 * HOUR, resolutionMinutes: 3 * DAY, businessHoursOnly: true },
  { severity: 'LOW', importance: 'KEY', firstResponseMinutes: 4 * HOUR, resolutionMinutes: 3 * DAY, businessHoursOnly: true },
  { severity: 'LOW', importance: 'GENERAL', firstResponseMinutes: DAY, resolutionMinutes: 5 * DAY, businessHoursOnly: true },
];

/** A handling mutation and its input beside the ticket's id (`<mutation>(input: {id, ...})`). */
type Step = [mutation: string, input: Record<string, unknown>];
const investigate: Step = ['startInvestigation', { note: 'Called the customer back; nature and severity confirmed' }];
const escalate: Step = ['escalateTicket', { note: 'Needs the supervisor to organise the handling' }];
const plan: Step = ['agreeHandlingPlan', { plan: 'Technician on site, replacement part from stock' }];
const progress: Step = ['recordProgress', { note: 'Told the customer the technician comes tomorrow', communicatedToCustomer: true }];
const resolve = (cause: string): Step => ['resolveTicket', { resolution: 'Part replaced and tested with the customer', cause }];
const visit: Step = ['recordFollowUpVisit', { note: 'Follow-up visit: running fine' }];
const satisfied: Step = ['confirmCustomerSatisfaction', { note: 'Customer confirmed satisfaction' }];
const close: Step = ['closeTicket', { note: null }];
const reopen: Step = ['reopenTicket', { reason: 'Customer still disagrees: the noise is back' }];
const transfer = (toUserId: string, toRole: string, reason: string): Step => ['transferTicket', { toUserId, toRole, reason }];
const awaitCustomer: Step = ['awaitCustomer', { note: 'Asked the customer for photos and the serial number' }];
const atOnce: Step = ['resolveAtOnce', { resolution: 'Explained on the phone; nothing else needed', cause: 'DOCUMENTATION' }];
const inputTypeOf = (mutation: string) => `${mutation[0].toUpperCase()}${mutation.slice(1)}Input!`;

/** What every demo mutation selects next to its record: `call` fails on any of them. */
const USER_ERRORS = 'userErrors { field code message }';

interface DemoTicket {
  type: string;
  severity: string;
  channel: string;
  matter: string;
  product: string | null;
  cause?: string;
  origin?: string;
  /** Hours ago the matter was received (a backdated registration); default now. */
  receivedHoursAgo?: number;
  steps: Step[];
}

const demoTickets: DemoTicket[] = [
  { type: 'COMPLAINT', severity: 'HIGH', channel: 'HOTLINE', matter: 'Delivered pumps leak at the flange', product: 'P-100 pump', cause: 'PRODUCT_QUALITY', steps: [] },
  { type: 'COMPLAINT', severity: 'MEDIUM', channel: 'EMAIL', matter: 'Invoice amount differs from the quotation', product: null, cause: 'BILLING', steps: [investigate] },
  { type: 'SERVICE_REQUEST', severity: 'LOW', channel: 'ONLINE', matter: 'Annual maintenance visit requested', product: 'C-20 compressor', steps: [investigate, escalate] },
  { type: 'FAULT', severity: 'CRITICAL', channel: 'PHONE', matter: 'Production line stopped after controller fault', product: 'X-7 controller', receivedHoursAgo: 5, steps: [] },
  { type: 'INQUIRY', severity: 'LOW', channel: 'VISIT', matter: 'Asks about the new product catalogue', product: null, steps: [atOnce, satisfied, close] },
  { type: 'REPAIR', severity: 'MEDIUM', channel: 'PHONE', matter: 'Gearbox noise after 2,000 hours', product: 'G-5 gearbox', steps: [investigate, escalate, plan] },
  { type: 'COMPLAINT', severity: 'HIGH', channel: 'VISIT', matter: 'Installation team left the site dirty', product: null, cause: 'SERVICE_ATTITUDE', steps: [investigate, plan, progress, resolve('SERVICE_ATTITUDE')] },
  { type: 'COMPLAINT', severity: 'MEDIUM', channel: 'PHONE', matter: 'Spare parts delivered two weeks late', product: 'P-100 pump', cause: 'DELIVERY', steps: [investigate, plan, resolve('DELIVERY'), visit] },
  { type: 'COMPLAINT', severity: 'LOW', channel: 'EMAIL', matter: 'Manual missing from the shipment', product: 'C-20 compressor', cause: 'DOCUMENTATION', steps: [investigate, plan, resolve('DOCUMENTATION'), visit, satisfied, close] },
  { type: 'COMPLAINT', severity: 'HIGH', channel: 'HOTLINE', matter: 'Compressor overheats under full load', product: 'C-20 compressor', cause: 'PRODUCT_QUALITY', steps: [investigate, escalate, plan, resolve('PRODUCT_QUALITY'), visit, reopen] },
  { type: 'COMPLAINT', severity: 'HIGH', channel: 'PHONE', matter: 'Nobody called back about the warranty claim', product: 'G-5 gearbox', cause: 'SERVICE_ATTITUDE', receivedHoursAgo: 10 * 24, steps: [] },
  { type: 'COMPLAINT', severity: 'MEDIUM', channel: 'ONLINE', matter: 'Technician could not fix the valve', product: 'V-3 valve', cause: 'TECHNICAL_SUPPORT', receivedHoursAgo: 12 * 24, steps: [transfer('tech-luo', 'RESPONSIBLE', 'Valve specialist'), investigate] },
  { type: 'SERVICE_REQUEST', severity: 'MEDIUM', channel: 'PHONE', matter: 'Needs training for the new operators', product: 'X-7 controller', steps: [transfer('tech-luo', 'RESPONSIBLE', 'Training is technical service'), transfer('tech-wu', 'DEPUTY', 'Luo is on site this week')] },
  { type: 'REPAIR', severity: 'LOW', channel: 'VISIT', matter: 'Proactive maintenance: filter change', product: 'C-20 compressor', origin: 'PROACTIVE', steps: [investigate, plan, resolve('OTHER'), visit, satisfied, close] },
  { type: 'COMPLAINT', severity: 'MEDIUM', channel: 'EMAIL', matter: 'Pump delivered with scratches', product: 'P-100 pump', cause: 'DELIVERY', steps: [investigate, awaitCustomer] },
  { type: 'COMPLAINT', severity: 'CRITICAL', channel: 'HOTLINE', matter: 'Boiler safety valve failed at the hospital site', product: 'V-3 valve', cause: 'PRODUCT_QUALITY', steps: [investigate] },
];

export async function seedServiceDesk(gatewayUrl: string, tokens: Record<string, string>, customers: string[], log: (line: string) => void): Promise<void> {
  const gm = tokens.generalManager;
  const agent = tokens.serviceAgent;

  // Holiday calendar and make-up workdays, then the on-call roster for the coming holidays.
  let days = 0;
  for (const [first, last, name] of holidays2026) {
    for (const date of daysFrom(first, last)) {
      await call(gatewayUrl, `mutation($i: SetCalendarDayInput!) { setCalendarDay(input: $i) { calendarDay { id } ${USER_ERRORS} } }`, { i: { date, kind: 'HOLIDAY', name } }, gm);
      days += 1;
    }
  }
  for (const [date, name] of makeUpWorkdays2026) {
    await call(gatewayUrl, `mutation($i: SetCalendarDayInput!) { setCalendarDay(input: $i) { calendarDay { id } ${USER_ERRORS} } }`, { i: { date, kind: 'MAKE_UP_WORKDAY', name } }, gm);
    days += 1;
  }
  const today = new Date().toISOString().slice(0, 10);
  const comingHolidays = holidays2026.flatMap(([first, last]) => daysFrom(first, last)).filter((date) => date >= today).slice(0, 3);
  let shifts = 0;
  for (const date of comingHolidays) {
    for (const [duty, userId, departmentId] of [
      ['SERVICE_AGENT', 'agent-he', null],
      ['SUPERVISOR', 'sup-ma', null],
      ['DEPARTMENT_MANAGER', 'm-east', 'D-EAST'],
      ['GENERAL_MANAGER', 'gm-zhou', null],
    ] as const) {
      await call(gatewayUrl, `mutation($i: AssignOnCallInput!) { assignOnCall(input: $i) { onCallShift { id } ${USER_ERRORS} } }`, { i: { date, duty, userId, departmentId, contact: '+86 21 5555 0100' } }, gm);
      shifts += 1;
    }
  }

  // A second SLA policy version, in effect for the whole demo period.
  await call(
    gatewayUrl,
    `mutation($i: PublishSlaPolicyInput!) { publishSlaPolicy(input: $i) { slaPolicy { version } ${USER_ERRORS} } }`,
    { i: { name: 'Service levels 2026', effectiveFrom: new Date(Date.now() - 40 * 86_400_000).toISOString(), targets: policyV2Targets, note: 'Key customers: HIGH answered within 45 working minutes' } },
    gm,
  );

  // Tickets in every state, driven through the same mutations the desk uses.
  let tickets = 0;
  for (const [i, customerId] of customers.slice(0, 32).entries()) {
    const demo = demoTickets[i % demoTickets.length];
    const input = {
      customerId,
      type: demo.type,
      severity: demo.severity,
      channel: demo.channel,
      matter: demo.matter,
      product: demo.product,
      cause: demo.cause ?? null,
      origin: demo.origin ?? 'CUSTOMER',
      receivedAt: demo.receivedHoursAgo ? new Date(Date.now() - demo.receivedHoursAgo * 3_600_000).toISOString() : null,
      complainant: { name: `Contact of customer ${i + 1}`, contact: '+86 21 5555 0000' },
    };
    const opened = await callWhenKnown(gatewayUrl, `mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: input }, agent);
    const id = opened.openTicket.ticket.id as string;
    for (const [mutation, stepInput] of demo.steps) {
      await call(gatewayUrl, `mutation($i: ${inputTypeOf(mutation)}) { ${mutation}(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id, ...stepInput } }, agent);
    }
    if (demo.type === 'FAULT') {
      const fault = await call(
        gatewayUrl,
        `mutation($i: ReportFaultInput!) { reportFault(input: $i) { faultReport { id } ${USER_ERRORS} } }`,
        {
          i: {
            ticketId: id,
            severity: 'CRITICAL',
            faultOccurredAt: new Date(Date.now() - 6 * 3_600_000).toISOString(),
            place: 'Customer plant, line 2',
            symptoms: 'Controller reboots every few minutes; line stops',
            handlingPlan: 'Swap the controller from stock, collect the logs, root-cause with R&D',
            responsibleManagerId: 'm-east',
          },
        },
        agent,
      );
      if (i < demoTickets.length) {
        await call(
          gatewayUrl,
          `mutation($i: RecordFaultAnalysisInput!) { recordFaultAnalysis(input: $i) { faultReport { id } ${USER_ERRORS} } }`,
          {
            i: {
              id: fault.reportFault.faultReport.id,
              impact: 'Line 2 stopped for 3 hours; 400 units late',
              handling: 'Controller swapped within 2 hours; production resumed',
              rootCause: 'A firmware update disabled the hardware watchdog',
              correctiveActions: ['Re-enable the watchdog on every shipped X-7'],
              preventiveActions: ['Watchdog check added to the release checklist', 'Field update procedure reviewed with R&D'],
            },
          },
          agent,
        );
      }
    }
    tickets += 1;
  }

  // Let the SLA watch record what is already breached (it also runs every minute on its own).
  const watch = (await call(gatewayUrl, `mutation { runSlaWatch { summary { breaches nearBreaches escalations } ${USER_ERRORS} } }`, {}, gm)).runSlaWatch.summary;
  const month = new Date().toISOString().slice(0, 7);
  const threeMonthsAgo = new Date(Date.now() - 62 * 86_400_000).toISOString().slice(0, 7);
  await call(gatewayUrl, `mutation($i: RequestServiceSupervisionReportInput!) { requestServiceSupervisionReport(input: $i) { reportRun { id } ${USER_ERRORS} } }`, { i: { month } }, gm);
  await call(gatewayUrl, `mutation($i: RequestComplaintAnalysisInput!) { requestComplaintAnalysis(input: $i) { reportRun { id } ${USER_ERRORS} } }`, { i: { fromMonth: threeMonthsAgo, toMonth: month } }, gm);
  log(
    `seeded ${tickets} tickets in every state, ${days} calendar days, ${shifts} on-call shifts, SLA policy v2, fault reports; ` +
      `SLA watch: ${watch.breaches} breaches, ${watch.escalations} escalations; 2 report runs requested`,
  );
}
