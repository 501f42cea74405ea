// Demo activity in the other subgraphs: tickets, interactions, survey responses and credit profiles.
import { call, demoConsultants } from './demo-data';
import { seedServiceDesk } from './demo-service-desk';

export async function seedDemoActivity(gatewayUrl: string, tokens: Record<string, string>, customers: string[], log: (line: string) => void): Promise<void> {
  await seedServiceDesk(gatewayUrl, tokens, customers, log);

  const channels = ['PHONE', 'EMAIL', 'FACE_TO_FACE', 'SEMINAR'];
  const levels = ['SATISFIED', 'FAIRLY_SATISFIED', 'BASICALLY_SATISFIED', 'NOT_VERY_SATISFIED', 'DISSATISFIED'];
  const afterSaleItems = ['PRICE', 'PERFORMANCE', 'DESIGN', 'APPEARANCE_PACKAGING', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'];
  const grades: [string, number, number][] = [['AAA', 8_000_000, 120], ['AA', 3_000_000, 90], ['A', 800_000, 60], ['B', 150_000, 45], ['C', 30_000, 30], ['D', 0, 0]];
  const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000).toISOString();
  for (const [i, customerId] of customers.entries()) {
    const consultant = demoConsultants[i % demoConsultants.length];
    await call(
      gatewayUrl,
      'mutation($i: LogInteractionInput!) { logInteraction(input: $i) { interaction { id } userErrors { field code message } } }',
      { i: { customerId, channel: channels[i % channels.length], occurredAt: daysAgo((i % 20) + 1), staffId: consultant.id, summary: 'Discussed next quarter demand', outcome: 'Interested in the new range', nextStep: 'Send a quotation' } },
      tokens.generalManager,
    );
    if (i % 2 === 0) {
      await call(
        gatewayUrl,
        'mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id } userErrors { field code message } } }',
        { i: { customerId, template: 'AFTER_SALE', consultantId: consultant.id, respondedAt: daysAgo(i % 30), answers: afterSaleItems.map((item, k) => ({ item, level: levels[(i + k) % (i % 8 === 0 ? 5 : 3)], comment: null })) } },
        tokens.generalManager,
      );
    }
    const [grade, creditLimit, paymentTermDays] = grades[i % grades.length];
    await call(
      gatewayUrl,
      'mutation($i: SetCreditProfileInput!) { setCreditProfile(input: $i) { creditProfile { customerId } userErrors { field code message } } }',
      { i: { customerId, grade, creditLimit, paymentTermDays, frozen: grade === 'D', expectedRevision: 0 } },
      tokens.finance,
    );
  }
  log(`seeded ${customers.length} interactions, ${Math.ceil(customers.length / 2)} survey responses and ${customers.length} credit profiles`);
}
