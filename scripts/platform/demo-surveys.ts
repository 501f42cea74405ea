// Demo data for surveys (issue 11), through the gateway: two versions of the visit questionnaire, survey requests
// pending and answered (mystery checks planned by hand; the event-driven ones come from tickets, visits and orders
// the other demos create), dissatisfied answers whose follow-up loop is open (the service desk opens a follow-up
// ticket for each; demo-surveys-loop.ts closes one loop end to end), improvement proposals in each state, and an
// analysis with numbers. The lead wires `seedSurveys` into the demo after the customers exist.
import { call, callWhenKnown } from './demo-data';

const USER_ERRORS = 'userErrors { field code message }';
const DAY = 86_400_000;

const VISIT_V2 = [
  { item: 'DESIGN_QUALITY', question: 'How do you rate the quality of the equipment we maintained?' },
  { item: 'AFTER_SALES_SERVICE', question: 'How satisfied are you with the maintenance visit?' },
  { item: 'COMPETITOR_COMPARISON', question: 'How does our maintenance compare with others you have used?' },
  { item: 'OTHER_NEEDS', question: 'What else can we do for you?' },
];
const levels = ['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'DISSATISFIED'];
const AFTER_SALE = ['PRICE', 'PERFORMANCE', 'DESIGN', 'APPEARANCE_PACKAGING', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'];

export interface SurveysSeedResult {
  templateVersions: number;
  pendingRequests: number;
  answeredRequests: number;
  openLoops: number;
  proposals: number;
}

/** `customers`: ids of demo customers (accounts announced them); `tokens`: demoTokens(). */
export async function seedSurveys(url: string, tokens: Record<string, string>, customers: string[], log: (line: string) => void = () => undefined): Promise<SurveysSeedResult> {
  const marketing = tokens.archiveKeeper;
  const gm = tokens.generalManager;

  // Two versions of the visit questionnaire: the seeded version 1 (now retired) and a published version 2.
  const current = await call(url, '{ currentSurveyTemplateVersion(template: VISIT) { version } }', {}, marketing);
  if (current.currentSurveyTemplateVersion?.version === 1) {
    const draft = await call(url, `mutation($i: DraftSurveyTemplateVersionInput!) { draftSurveyTemplateVersion(input: $i) { surveyTemplateVersion { id } ${USER_ERRORS} } }`, { i: { template: 'VISIT', items: VISIT_V2, note: 'Maintenance visits ask about the visit itself' } }, marketing);
    await call(url, `mutation($i: PublishSurveyTemplateVersionInput!) { publishSurveyTemplateVersion(input: $i) { surveyTemplateVersion { version } ${USER_ERRORS} } }`, { i: { id: draft.draftSurveyTemplateVersion.surveyTemplateVersion.id } }, gm);
  }

  // Mystery checks planned by hand: every one pending; two out of three answered, some dissatisfied.
  const planned: string[] = [];
  for (const customerId of customers.slice(0, 18)) {
    const res = await callWhenKnown(url, `mutation($i: PlanMysteryCheckInput!) { planMysteryCheck(input: $i) { surveyRequest { id } ${USER_ERRORS} } }`, { i: { customerId, template: 'AFTER_SALE', note: 'Quarterly mystery check of the showroom' } }, marketing);
    planned.push(res.planMysteryCheck.surveyRequest.id);
  }
  let answered = 0;
  let openLoops = 0;
  for (const [i, requestId] of planned.entries()) {
    if (i % 3 === 2) continue;
    const answers = AFTER_SALE.map((item, j) => ({ item, level: levels[(i + j) % (i % 4 === 0 ? 5 : 3)], comment: (i + j) % 5 === 4 ? 'Delivery was late and nobody told us' : null }));
    const res = await call(url, `mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id needsFollowUp } ${USER_ERRORS} } }`, { i: { requestId, respondedAt: new Date(Date.now() - (i + 1) * DAY).toISOString(), answers } }, tokens.serviceAgent);
    answered += 1;
    if (res.recordSurveyResponse.surveyResponse.needsFollowUp) openLoops += 1;
  }

  // Improvement proposals: one open, one in progress, one done with its verification note.
  const propose = (title: string, description: string, departmentId: string, dueInDays: number, item: string) =>
    call(url, `mutation($i: ProposeImprovementInput!) { proposeImprovement(input: $i) { improvementProposal { id } ${USER_ERRORS} } }`, { i: { title, description, departmentId, dueAt: new Date(Date.now() + dueInDays * DAY).toISOString(), template: 'AFTER_SALE', item } }, marketing);
  await propose('Tell customers about delivery delays', 'Late deliveries without notice drive after-sales dissatisfaction', 'D-EAST', 14, 'AFTER_SALES_SERVICE');
  const inProgress = await propose('Price list explained at the sale', 'Customers compare our prices without the service included', 'D-WEST', 30, 'PRICE');
  await call(url, `mutation($i: StartImprovementProposalInput!) { startImprovementProposal(input: $i) { improvementProposal { id } ${USER_ERRORS} } }`, { i: { id: inProgress.proposeImprovement.improvementProposal.id } }, gm);
  const done = await propose('Packaging for long transport', 'Dents on arrival', 'D-EAST', 7, 'APPEARANCE_PACKAGING');
  const doneId = done.proposeImprovement.improvementProposal.id;
  await call(url, `mutation($i: StartImprovementProposalInput!) { startImprovementProposal(input: $i) { improvementProposal { id } ${USER_ERRORS} } }`, { i: { id: doneId } }, gm);
  await call(url, `mutation($i: CompleteImprovementProposalInput!) { completeImprovementProposal(input: $i) { improvementProposal { id } ${USER_ERRORS} } }`, { i: { id: doneId, verificationNote: 'New crates since March; no dented deliveries reported in April' } }, gm);

  // An analysis with numbers: by department and item.
  const analysis = await call(url, 'query($i: SurveyAnalysisInput!) { surveyAnalysis(input: $i) { rows { key { departmentId item } responses meanScore shareDissatisfied responseRate } } }', { i: { by: ['DEPARTMENT', 'ITEM'], template: 'AFTER_SALE' } }, gm);
  for (const row of analysis.surveyAnalysis.rows.slice(0, 6)) {
    log(`surveys: ${row.key.departmentId} ${row.key.item}: ${row.responses} answers, mean ${row.meanScore?.toFixed(2)}, dissatisfied ${(100 * (row.shareDissatisfied ?? 0)).toFixed(0)} %, response rate ${row.responseRate === null ? 'n/a' : `${(100 * row.responseRate).toFixed(0)} %`}`);
  }
  const result = { templateVersions: 2, pendingRequests: planned.length - answered, answeredRequests: answered, openLoops, proposals: 3 };
  log(`seeded surveys: VISIT v1 and v2, ${result.pendingRequests} pending and ${answered} answered requests, ${openLoops} open follow-up loops, 3 proposals`);
  return result;
}
