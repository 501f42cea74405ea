// Demo data for the surveys' closed loop, through the gateway: two customers surveyed after a service ticket and
// dissatisfied; the service desk opens a follow-up complaint for each ticket's first responder. One loop is closed
// (the follow-up resolved, the customer satisfied, the ticket closed: the response shows when and by whom), the
// other left open, handled by its first responder.
import { call, callWhenKnown, demoConsultants } from './demo-data';

const USER_ERRORS = 'userErrors { field code message }';
const SERVICE_ITEMS = ['APPOINTMENT_TIMELINESS', 'STAFF_ATTITUDE', 'STAFF_TECHNICAL_ABILITY', 'SERVICE_MATTERS', 'OTHER_NEEDS'];
const FOLLOW_UP = 'query($id: ID!) { surveyResponse(id: $id) { followUp { state ticketStatus closedAt closedBy { id } firstResponder { id } ticket { id } } } }';

async function until<T>(what: string, read: () => Promise<T | null | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`demo: ${what} did not happen within ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

interface Loop {
  customer: string;
  ticketType: string;
  matter: string;
  resolution: string;
  /** Token of whoever registers and resolves the ticket (its first responder). */
  handler: string;
  /** The dissatisfied item and what the customer said. */
  complaint: { item: string; level: string; comment: string };
  close: boolean;
}

async function seedLoop(url: string, tokens: Record<string, string>, loop: Loop): Promise<string> {
  const gm = tokens.generalManager;
  const created = await call(url, `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`, { i: { name: loop.customer, kind: 'ORGANISATION', listType: 'ENTERPRISE', ownerId: demoConsultants[0].id } }, gm);
  const customerId = created.createCustomer.customer.id as string;
  const opened = await callWhenKnown(
    url,
    `mutation($i: OpenTicketInput!) { openTicket(input: $i) { ticket { id } ${USER_ERRORS} } }`,
    { i: { customerId, type: loop.ticketType, channel: 'PHONE', severity: 'MEDIUM', matter: loop.matter, complainant: { name: 'Front desk' } } },
    loop.handler,
  );
  const ticketId = opened.openTicket.ticket.id as string;
  await call(url, `mutation($i: ResolveAtOnceInput!) { resolveAtOnce(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id: ticketId, resolution: loop.resolution } }, loop.handler);
  // surveys sends the after-service questionnaire for the resolved ticket.
  const request = await until('the after-service survey request', async () => {
    const res = await call(url, 'query($c: ID!) { customer(id: $c) { surveyRequests { id state template } } }', { c: customerId }, gm);
    return (res.customer?.surveyRequests ?? []).find((r: { state: string; template: string }) => r.state === 'PENDING' && r.template === 'AFTER_SERVICE') as { id: string } | undefined;
  });
  const answers = SERVICE_ITEMS.map((item) => (item === loop.complaint.item ? loop.complaint : { item, level: 'FAIRLY_SATISFIED', comment: null }));
  const recorded = await call(url, `mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id } ${USER_ERRORS} } }`, { i: { requestId: request.id, respondedAt: new Date(Date.now() - 3_600_000).toISOString(), answers } }, tokens.archiveKeeper);
  const responseId = recorded.recordSurveyResponse.surveyResponse.id as string;
  // The service desk opens the follow-up for the ticket's first responder.
  const open = await until('the follow-up ticket', async () => {
    const res = await call(url, FOLLOW_UP, { id: responseId }, gm);
    return res.surveyResponse?.followUp?.ticket ? res.surveyResponse.followUp : null;
  });
  if (!loop.close) return `open loop for ${loop.customer}: follow-up ticket ${open.ticketStatus} with ${open.firstResponder?.id}`;
  const followUpTicket = open.ticket.id as string;
  await call(url, `mutation($i: ResolveAtOnceInput!) { resolveAtOnce(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id: followUpTicket, resolution: 'Called the customer back, apologised and booked a check visit' } }, loop.handler);
  await call(url, `mutation($i: ConfirmCustomerSatisfactionInput!) { confirmCustomerSatisfaction(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id: followUpTicket, note: 'Satisfied with the call-back' } }, loop.handler);
  await call(url, `mutation($i: CloseTicketInput!) { closeTicket(input: $i) { ticket { id } ${USER_ERRORS} } }`, { i: { id: followUpTicket } }, loop.handler);
  const closed = await until('the closed loop', async () => {
    const res = await call(url, FOLLOW_UP, { id: responseId }, gm);
    return res.surveyResponse?.followUp?.state === 'CLOSED' ? res.surveyResponse.followUp : null;
  });
  return `closed loop for ${loop.customer}: closed ${closed.closedAt} by ${closed.closedBy?.id}`;
}

/** One closed and one open survey follow-up loop, each on a customer of its own (so no earlier survey throttles it). */
export async function seedSurveysLoop(url: string, tokens: Record<string, string>, log: (line: string) => void = () => undefined): Promise<void> {
  const loops: Loop[] = [
    {
      customer: 'Jinling Cold Chain (surveys loop, closed)',
      ticketType: 'REPAIR',
      matter: 'The cold-room compressor trips every night',
      resolution: 'Relay replaced on site',
      handler: tokens.serviceAgent,
      complaint: { item: 'STAFF_ATTITUDE', level: 'DISSATISFIED', comment: 'The technician was rude and left a mess' },
      close: true,
    },
    {
      customer: 'Baiyun Dairy (surveys loop, open)',
      ticketType: 'SERVICE_REQUEST',
      matter: 'Please recalibrate the filling line sensors',
      resolution: 'Sensors recalibrated',
      handler: tokens.technical,
      complaint: { item: 'APPOINTMENT_TIMELINESS', level: 'NOT_VERY_SATISFIED', comment: 'Came two hours late' },
      close: false,
    },
  ];
  for (const loop of loops) log(`surveys: ${await seedLoop(url, tokens, loop)}`);
}
