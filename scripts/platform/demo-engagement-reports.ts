// Demo data for engagement's reports and follow-ups, through the gateway: Wang's daily report of yesterday
// submitted and today's saved as a draft (the rest of the east department's staff have none: missing in the
// manager's roll-up), an urgent report left unread in the east manager's inbox and one already read, and follow-ups
// due in the coming days and one already overdue (prospects also get their first contact from accounts' events).
import { call, callWhenKnown } from './demo-data';

const DAY = 86_400_000;
/** A calendar day in the working calendar's default time zone (Asia/Shanghai, UTC+8 all year). */
const shanghaiDay = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().slice(0, 10);

/** `tokens`: demoTokens() (consultantWang, eastManager, generalManager); `customers`: ids of demo customers. */
export async function seedEngagementReports(gatewayUrl: string, tokens: Record<string, string>, customers: string[], log: (line: string) => void): Promise<void> {
  const now = Date.now();
  const wang = tokens.consultantWang;
  const [c1, c2, c3] = customers;
  const REPORT = 'dailyReport { id status } userErrors { field code message }';

  // Daily reports: yesterday's submitted (unless an earlier seeding did), today's a draft.
  const yesterday = shanghaiDay(now - DAY);
  const existing = await call(gatewayUrl, 'query($day: String) { dailyReport(day: $day) { status } }', { day: yesterday }, wang);
  if (existing.dailyReport.status !== 'SUBMITTED') {
    await call(gatewayUrl, `mutation($i: DailyReportInput!) { submitDailyReport(input: $i) { ${REPORT} } }`, { i: { day: yesterday, summary: 'Two customer calls on next quarter\u2019s demand; quotation for the P-300 pumps sent', plan: 'Visit the plant about the vibrating pump; follow up the quotation' } }, wang);
  }
  await call(gatewayUrl, `mutation($i: DailyReportInput!) { saveDailyReportDraft(input: $i) { ${REPORT} } }`, { i: { day: shanghaiDay(now), summary: 'Morning: service visit prepared', plan: 'Afternoon: call the new prospects' } }, wang);

  // Urgent reports: one the east manager has not read yet, one read.
  const URGENT = 'mutation($i: FileUrgentReportInput!) { fileUrgentReport(input: $i) { urgentReport { id } userErrors { field code message } } }';
  await callWhenKnown(gatewayUrl, URGENT, { i: { idempotencyKey: 'demo-urgent-seals', kind: 'SERIOUS_PRODUCT_PROBLEM', title: 'Seals of batch 7 fail within a week', details: 'Three pumps at the customer leak; the seals are from batch 7. The customer asks for a replacement this week.', customerId: c1, product: 'SEAL-7' } }, wang);
  const rival = await call(gatewayUrl, URGENT, { i: { idempotencyKey: 'demo-urgent-rival', kind: 'COMPETITOR_NEW_PRODUCT', title: 'Rival shows the X-500 pump', details: 'Rival Pumps presented the X-500 at the regional fair, priced 15% below the P-300.', competitor: 'Rival Pumps', product: 'X-500' } }, wang);
  await call(gatewayUrl, 'mutation($i: MarkUrgentReportReadInput!) { markUrgentReportRead(input: $i) { urgentReport { id } userErrors { field code message } } }', { i: { id: rival.fileUrgentReport.urgentReport.id } }, tokens.eastManager);

  // Follow-ups planned by hand for Wang: two due in the coming days, one already overdue (within the hour's grace).
  const PLAN = 'mutation($i: PlanFollowUpInput!) { planFollowUp(input: $i) { followUp { id } userErrors { field code message } } }';
  const plan = (key: string, customerId: string | undefined, kind: string, goal: string, dueMs: number) =>
    customerId ? callWhenKnown(gatewayUrl, PLAN, { i: { idempotencyKey: key, customerId, kind, goal, staffId: 'c-wang', dueAt: new Date(dueMs).toISOString() } }, tokens.generalManager) : Promise.resolve(null);
  await plan('demo-fu-repeat', c2, 'REPEAT_PURCHASE', 'Ask about the spring order', now + 3 * DAY);
  await plan('demo-fu-after-sales', c3, 'AFTER_SALES', 'Offer the seal replacement programme', now + 5 * DAY);
  await plan('demo-fu-overdue', c1, 'USAGE_CHECK', 'Check the replaced seals hold', now - 30 * 60_000);
  log(`engagement demo: daily reports (${yesterday} submitted, today a draft), an unread and a read urgent report for the east manager, follow-ups due and one overdue`);
}
