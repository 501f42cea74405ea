import type { RunningService } from '@crm/kernel';
import { announceCustomer, graphql, testServiceEnv, tokenFor } from '@crm/testing';
import { surveysService } from '../src/surveys.service';

const VERSION = 'id template version state items { item question } note createdBy { id kind } publishedBy { id } retiredBy { id } current';
const LIST = `query($t: SurveyTemplate) { surveyTemplateVersions(template: $t) { ${VERSION} } }`;
const DRAFT = `mutation($i: DraftSurveyTemplateVersionInput!) { draftSurveyTemplateVersion(input: $i) { surveyTemplateVersion { ${VERSION} } userErrors { field code message } } }`;
const EDIT = `mutation($i: EditSurveyTemplateVersionInput!) { editSurveyTemplateVersion(input: $i) { surveyTemplateVersion { ${VERSION} } userErrors { field code message } } }`;
const PUBLISH = `mutation($i: PublishSurveyTemplateVersionInput!) { publishSurveyTemplateVersion(input: $i) { surveyTemplateVersion { ${VERSION} } userErrors { field code message } } }`;
const RETIRE = `mutation($i: RetireSurveyTemplateVersionInput!) { retireSurveyTemplateVersion(input: $i) { surveyTemplateVersion { ${VERSION} } userErrors { field code message } } }`;
const RECORD = `mutation($i: RecordSurveyResponseInput!) { recordSurveyResponse(input: $i) { surveyResponse { id templateVersion answers { item question } questionnaire { version state } } userErrors { field code message } } }`;
const ONE = `query($id: ID!) { surveyResponse(id: $id) { templateVersion answers { item question } questionnaire { version state items { item } } } }`;

const levels = (items: string[]) => items.map((item) => ({ item, level: 'FAIRLY_SATISFIED' }));
const VISIT_V1 = ['PRICE', 'DESIGN_QUALITY', 'COMPETITOR_COMPARISON', 'AFTER_SALES_SERVICE', 'OTHER_NEEDS'];
const VISIT_V2 = [
  { item: 'DESIGN_QUALITY', question: 'How do you rate the quality of what we maintained?' },
  { item: 'AFTER_SALES_SERVICE', question: 'How satisfied are you with the maintenance visit?' },
  { item: 'OTHER_NEEDS', question: 'What else can we do for you?' },
];

jest.setTimeout(60_000);

describe('surveys: questionnaires as versioned data', () => {
  const env = testServiceEnv('surveys');
  let service: RunningService;
  let gm: string;
  let marketing: string;
  let agent: string;
  let consultant: string;
  let partner: string;
  const versions = () => service.connection.collection('survey_templates');

  beforeAll(async () => {
    service = await surveysService.start({ env });
    gm = await tokenFor({ sub: 'gm-1', roles: ['general_manager'] });
    marketing = await tokenFor({ sub: 'mkt-1', roles: ['marketing'] });
    agent = await tokenFor({ sub: 'agent-1', roles: ['service_agent'] });
    consultant = await tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' });
    partner = await tokenFor({ sub: 'portal', roles: ['partner'], partner_id: 'P-1' });
  });
  afterAll(() => service.stop());

  it('seeds the three questionnaires as published version 1, once, however often the service starts', async () => {
    const res = await graphql(service.url, LIST, {}, agent);
    expect(res.errors).toBeUndefined();
    expect(res.data!.surveyTemplateVersions.map((v: { template: string; version: number; state: string; current: boolean }) => [v.template, v.version, v.state, v.current])).toEqual([
      ['AFTER_SALE', 1, 'PUBLISHED', true],
      ['AFTER_SERVICE', 1, 'PUBLISHED', true],
      ['VISIT', 1, 'PUBLISHED', true],
    ]);
    expect(res.data!.surveyTemplateVersions[2].items.map((q: { item: string }) => q.item)).toEqual(VISIT_V1);
    expect(res.data!.surveyTemplateVersions[0].createdBy).toEqual({ id: 'system:surveys-seed', kind: 'SYSTEM' });
    await service.stop();
    service = await surveysService.start({ env });
    expect(await versions().countDocuments()).toBe(3);
  });

  it('drafts, edits and publishes a new version: new responses answer it, older ones read back against theirs', async () => {
    const customerId = await announceCustomer(service);
    const old = await graphql(service.url, RECORD, { i: { customerId, template: 'VISIT', respondedAt: '2025-03-01T10:00:00Z', answers: levels(VISIT_V1) } }, agent);
    expect(old.data!.recordSurveyResponse.userErrors).toEqual([]);
    const oldId = old.data!.recordSurveyResponse.surveyResponse.id;

    const drafted = await graphql(service.url, DRAFT, { i: { template: 'VISIT', note: 'Maintenance visits ask about the visit' } }, marketing);
    expect(drafted.data!.draftSurveyTemplateVersion.userErrors).toEqual([]);
    const draft = drafted.data!.draftSurveyTemplateVersion.surveyTemplateVersion;
    // A copy of the current version's questions to start from.
    expect(draft).toMatchObject({ template: 'VISIT', version: 2, state: 'DRAFT', current: false, note: 'Maintenance visits ask about the visit', createdBy: { id: 'mkt-1', kind: 'STAFF_MEMBER' }, publishedBy: null });
    expect(draft.items.map((q: { item: string }) => q.item)).toEqual(VISIT_V1);

    const second = await graphql(service.url, DRAFT, { i: { template: 'VISIT' } }, gm);
    expect(second.data!.draftSurveyTemplateVersion).toEqual({ surveyTemplateVersion: null, userErrors: [expect.objectContaining({ code: 'CONFLICT', field: null })] });

    // Still version 1 until published.
    const before = await graphql(service.url, RECORD, { i: { customerId, template: 'VISIT', respondedAt: '2025-03-02T10:00:00Z', answers: levels(VISIT_V2.map((q) => q.item)) } }, agent);
    expect(before.data!.recordSurveyResponse.userErrors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: ['input', 'answers'] });

    const edited = await graphql(service.url, EDIT, { i: { id: draft.id, items: VISIT_V2 } }, gm);
    expect(edited.data!.editSurveyTemplateVersion.userErrors).toEqual([]);
    expect(edited.data!.editSurveyTemplateVersion.surveyTemplateVersion.note).toBeNull();

    const published = await graphql(service.url, PUBLISH, { i: { id: draft.id } }, gm);
    expect(published.data!.publishSurveyTemplateVersion.surveyTemplateVersion).toMatchObject({ version: 2, state: 'PUBLISHED', current: true, publishedBy: { id: 'gm-1' } });
    const list = await graphql(service.url, LIST, { t: 'VISIT' }, agent);
    expect(list.data!.surveyTemplateVersions.map((v: { version: number; state: string; current: boolean; retiredBy: { id: string } | null }) => [v.version, v.state, v.current, v.retiredBy?.id ?? null])).toEqual([
      [1, 'RETIRED', false, 'gm-1'],
      [2, 'PUBLISHED', true, null],
    ]);

    const fresh = await graphql(service.url, RECORD, { i: { customerId, template: 'VISIT', respondedAt: '2025-03-03T10:00:00Z', answers: levels(VISIT_V2.map((q) => q.item)) } }, agent);
    expect(fresh.data!.recordSurveyResponse.userErrors).toEqual([]);
    expect(fresh.data!.recordSurveyResponse.surveyResponse).toMatchObject({ templateVersion: 2, questionnaire: { version: 2, state: 'PUBLISHED' } });
    expect(fresh.data!.recordSurveyResponse.surveyResponse.answers[1]).toEqual({ item: 'AFTER_SALES_SERVICE', question: 'How satisfied are you with the maintenance visit?' });

    // The old response keeps version 1 and its wording.
    const readBack = await graphql(service.url, ONE, { id: oldId }, agent);
    expect(readBack.data!.surveyResponse.templateVersion).toBe(1);
    expect(readBack.data!.surveyResponse.questionnaire).toEqual({ version: 1, state: 'RETIRED', items: VISIT_V1.map((item) => ({ item })) });
    expect(readBack.data!.surveyResponse.answers.map((a: { item: string }) => a.item)).toEqual(VISIT_V1);
    expect(readBack.data!.surveyResponse.answers[0].question).toBe('How satisfied are you with the price?');

    // Editing a published version, or publishing it again, is a conflict; retiring it leaves nothing to ask.
    const late = await graphql(service.url, EDIT, { i: { id: draft.id, items: VISIT_V2 } }, gm);
    expect(late.data!.editSurveyTemplateVersion.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    const again = await graphql(service.url, PUBLISH, { i: { id: draft.id } }, gm);
    expect(again.data!.publishSurveyTemplateVersion.userErrors).toEqual([expect.objectContaining({ code: 'CONFLICT' })]);
    const retired = await graphql(service.url, RETIRE, { i: { id: draft.id } }, gm);
    expect(retired.data!.retireSurveyTemplateVersion.surveyTemplateVersion).toMatchObject({ state: 'RETIRED', retiredBy: { id: 'gm-1' }, current: false });
    const nothing = await graphql(service.url, RECORD, { i: { customerId, template: 'VISIT', respondedAt: '2025-03-04T10:00:00Z', answers: levels(VISIT_V1) } }, agent);
    expect(nothing.data!.recordSurveyResponse).toEqual({ surveyResponse: null, userErrors: [expect.objectContaining({ code: 'CONFLICT' })] });
  });

  it('lists every problem of a draft at once and writes nothing', async () => {
    const before = await versions().countDocuments();
    const res = await graphql(service.url, DRAFT, { i: { template: 'AFTER_SALE', items: [{ item: 'PRICE', question: ' ' }, { item: 'PRICE', question: 'Price again?' }], note: 'x'.repeat(2001) } }, gm);
    expect(res.errors).toBeUndefined();
    expect(res.data!.draftSurveyTemplateVersion.surveyTemplateVersion).toBeNull();
    // One user error per problem: the blank question, the repeated item, the over-long note.
    const errors = res.data!.draftSurveyTemplateVersion.userErrors.map((e: { field: string[]; code: string }) => [e.code, e.field.join('.')]);
    expect(errors).toHaveLength(3);
    expect(errors).toEqual(expect.arrayContaining([['BAD_USER_INPUT', 'input.items.0.question'], ['BAD_USER_INPUT', 'input.items.1.item'], ['BAD_USER_INPUT', 'input.note']]));
    const dup = await graphql(service.url, DRAFT, { i: { template: 'AFTER_SALE', items: [{ item: 'PRICE', question: 'Price?' }, { item: 'PRICE', question: 'Price again?' }] } }, gm);
    expect(dup.data!.draftSurveyTemplateVersion.userErrors).toEqual([{ code: 'BAD_USER_INPUT', field: ['input', 'items', '1', 'item'], message: 'PRICE is asked more than once' }]);
    const unknown = await graphql(service.url, PUBLISH, { i: { id: '0123456789abcdef01234567' } }, gm);
    expect(unknown.data!.publishSurveyTemplateVersion.userErrors).toEqual([expect.objectContaining({ code: 'NOT_FOUND' })]);
    expect(await versions().countDocuments()).toBe(before);
  });

  it('lets only the general manager and marketing manage questionnaires, and shows partners none', async () => {
    for (const token of [agent, consultant, partner]) {
      const res = await graphql(service.url, DRAFT, { i: { template: 'AFTER_SERVICE' } }, token);
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect((await graphql(service.url, LIST, {}, partner)).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    expect(await versions().countDocuments({ template: 'AFTER_SERVICE' })).toBe(1);
  });
});
