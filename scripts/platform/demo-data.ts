// Idempotent demo data, written through the gateway as a client would (so every rule applies to it too).
import { signDevToken, type CrmClaims } from '@crm/auth';
import { graphql } from '@crm/testing';

export const demoDepartments = [
  { id: 'D-EAST', name: 'East region sales' },
  { id: 'D-WEST', name: 'West region sales' },
  { id: 'D-KEY', name: 'Key accounts' },
];

export const demoConsultants = [
  { id: 'c-wang', name: 'Wang Fang', departmentId: 'D-EAST' },
  { id: 'c-li', name: 'Li Wei', departmentId: 'D-EAST' },
  { id: 'c-zhao', name: 'Zhao Min', departmentId: 'D-WEST' },
  { id: 'c-chen', name: 'Chen Jie', departmentId: 'D-WEST' },
  { id: 'c-liu', name: 'Liu Yang', departmentId: 'D-KEY' },
  { id: 'c-sun', name: 'Sun Hao', departmentId: 'D-KEY' },
  { id: 'c-he', name: 'He Jing', departmentId: 'D-EAST' },
  { id: 'c-xu', name: 'Xu Lei', departmentId: 'D-WEST' },
];

export const demoPartnerId = 'P-HUAXIA';
export const demoPartnerIds = [demoPartnerId, 'P-DONGFANG'];

/** Tokens a new user can paste into a GraphQL client (the README lists the same names). Issuer and audience as the services expect them. */
export async function demoTokens(secret: string, expected: { issuer?: string; audience?: string } = {}): Promise<Record<string, string>> {
  const sign = (claims: CrmClaims) => signDevToken(claims, { secret, expiresIn: '30d', issuer: expected.issuer, audience: expected.audience });
  return {
    generalManager: await sign({ sub: 'gm-zhou', name: 'Zhou (general manager)', roles: ['general_manager'] }),
    eastManager: await sign({ sub: 'm-east', name: 'East sales manager', roles: ['department_manager'], department_id: 'D-EAST' }),
    westManager: await sign({ sub: 'm-west', name: 'West sales manager', roles: ['department_manager'], department_id: 'D-WEST' }),
    consultantWang: await sign({ sub: 'c-wang', name: 'Wang Fang', roles: ['consultant'], department_id: 'D-EAST' }),
    archiveKeeper: await sign({ sub: 'mkt-ma', name: 'Ma (marketing, archive keeper)', roles: ['marketing'] }),
    serviceAgent: await sign({ sub: 'agent-he', name: 'He (service desk)', roles: ['service_agent'] }),
    finance: await sign({ sub: 'fin-gao', name: 'Gao (finance)', roles: ['finance'] }),
    technical: await sign({ sub: 'tech-qian', name: 'Qian (quality and design)', roles: ['technical_staff'] }),
    partnerPortal: await sign({ sub: 'portal-huaxia', name: 'Huaxia portal', roles: ['partner'], partner_id: demoPartnerId }),
    marketingEast: await sign({ sub: 'mkt-east', name: 'East marketing', roles: ['marketing'], department_id: 'D-EAST' }),
    marketingWest: await sign({ sub: 'mkt-west', name: 'West marketing', roles: ['marketing'], department_id: 'D-WEST' }),
    coordinator: await sign({ sub: 'coord-lu', name: 'Lu (coordinator)', roles: ['coordinator'] }),
  };
}

const companyStems = [
  'Hengda', 'Jinling', 'Tianhe', 'Minsheng', 'Huaxin', 'Dongfang', 'Changjiang', 'Xinghai', 'Taishan', 'Longteng', 'Baiyun', 'Qilin',
  'Zhongyuan', 'Jiangnan', 'Haitian', 'Yuhua', 'Fenghuang', 'Kunlun', 'Wanfeng', 'Ruixiang', 'Beichen', 'Hongxing', 'Shenzhou', 'Lianhua', 'Tongda',
];
const companySuffixes = ['Machinery', 'Foods', 'Logistics', 'Pharma', 'Textiles', 'Electronics', 'Chemicals', 'Building Materials', 'Auto Parts', 'Packaging', 'Instruments', 'Paper'];
const surnames = ['Wang', 'Li', 'Zhang', 'Liu', 'Chen', 'Yang', 'Huang', 'Zhao', 'Wu', 'Zhou', 'Xu', 'Sun', 'Ma', 'Zhu', 'Hu', 'Guo'];
const regions = ['East', 'West', 'North', 'South'];
const industries = ['Manufacturing', 'Retail', 'Healthcare', 'Logistics', 'Energy', 'Public sector', 'Construction', 'Agriculture'];
const organisationLists = ['ENTERPRISE', 'ENTERPRISE', 'ENTERPRISE', 'SPECIAL_ENTERPRISE', 'GOVERNMENT_AGENCY', 'BUSINESS_PARTNER'];
const natures = ['PRIVATE', 'STATE_OWNED', 'JOINT_VENTURE', 'FOREIGN_INVESTED', 'COLLECTIVE', 'SHAREHOLDING', 'PUBLIC_INSTITUTION'];
const sizes = ['MICRO', 'SMALL', 'MEDIUM', 'LARGE'];
const categories = ['TARGET', 'GENERAL', 'KEY', 'POTENTIAL'];
const loyalties = ['LOYAL', 'BRAND_SWITCHING', 'NO_BRAND_LOYALTY', null];
const stages = ['AWARENESS', 'INTEREST', 'EVALUATION', 'NEGOTIATION', 'PURCHASED', 'REPEAT_PURCHASE'];
const occupations = ['Architect', 'Doctor', 'Restaurant owner', 'Farmer', 'Teacher', 'Engineer'];
/** Lifecycle moves from PROSPECT, weighted so most of the archive is active. */
const lifecyclePaths: string[][] = [[], ['QUALIFYING'], ['QUALIFYING', 'ACTIVE'], ['QUALIFYING', 'ACTIVE'], ['QUALIFYING', 'ACTIVE'], ['QUALIFYING', 'ACTIVE', 'DORMANT'], ['QUALIFYING', 'ACTIVE', 'BAD'], ['REMOVED']];

const DAY = 86_400_000;
/** What every mutation payload is asked for next to its record (`call` fails on any). */
const USER_ERRORS = 'userErrors { field code message }';
const CUSTOMERS = 300;
/** Requests in flight at once: enough to keep the subgraphs busy without starving the launcher on 2 cores. */
const CONCURRENCY = 8;

export interface SeedResult {
  skipped: boolean;
  /** Customers created by this run (for the other subgraphs' demo activity). */
  customers: string[];
}

interface DemoCustomer {
  input: Record<string, unknown>;
  lifecycle: string[];
  /** File the customer (most are); some stay unfiled or overdue so the deadline can be seen. */
  file: boolean;
  /** A change after filing leaves a change report pending. */
  changeAfterFiling: boolean;
  /** Organisation customers that run (part of) the qualification procedure: how many steps. */
  qualificationSteps: number;
}

/** The demo archive: a few hundred customers across every list, class, region, lifecycle and filing state. */
export function demoCustomers(now = Date.now()): DemoCustomer[] {
  const customers: DemoCustomer[] = [];
  for (let n = 0; n < CUSTOMERS; n += 1) {
    const stem = companyStems[n % companyStems.length];
    const suffix = companySuffixes[Math.floor(n / companyStems.length) % companySuffixes.length];
    const owner = demoConsultants[n % demoConsultants.length];
    const colleague = demoConsultants.find((c) => c.departmentId === owner.departmentId && c.id !== owner.id)!;
    const individual = n % 10 === 9;
    const key = !individual && n % 11 === 0;
    const region = regions[n % regions.length];
    const surname = surnames[n % surnames.length];
    const phone = `+86 21 5${String(1_000_000 + n * 7919).slice(-7)}`;
    const lifecycle = individual ? lifecyclePaths[(n + 2) % 5] : lifecyclePaths[n % lifecyclePaths.length];
    const recentContactDays = n % 17 === 3 ? 2 : n % 17 === 5 ? 12 : 30 + (n % 200);
    const input: Record<string, unknown> = {
      name: individual ? `${surname} ${['Hua', 'Min', 'Jun', 'Lan'][n % 4]} (${stem} ${suffix.toLowerCase()} buyer)` : `${stem} ${suffix} Co., Ltd.`,
      kind: individual ? 'INDIVIDUAL' : 'ORGANISATION',
      listType: individual ? 'INDIVIDUAL' : organisationLists[n % organisationLists.length],
      industry: industries[n % industries.length],
      region,
      address: `${(n % 90) + 10} ${stem} Road, ${region} district`,
      ownerId: owner.id,
      partnerIds: n % 7 === 0 ? [demoPartnerIds[(n / 7) % 2]] : [],
      firstContactAt: new Date(now - recentContactDays * DAY).toISOString(),
      category: key ? 'KEY' : categories[n % categories.length],
      importance: key ? 'KEY' : 'GENERAL',
      assignedStaffIds: key ? [colleague.id] : [],
      loyalty: loyalties[n % loyalties.length],
      route: `${region}-R${(n % 3) + 1}`,
      routeOrder: Math.floor(n / 12) + 1,
      contacts: [
        { name: `${surname} Purchasing`, title: 'Purchasing manager', phone, email: `buyer${n}@${stem.toLowerCase()}.example`, decisionMaker: true },
        { name: `${stem} Reception`, title: 'Receptionist', phone: `+86 21 6${String(2_000_000 + n * 104_729).slice(-7)}`, decisionMaker: false },
      ],
      needs: { focusPoints: [['price', 'delivery time'], ['quality', 'after-sales service'], ['financing']][n % 3], budget: { amount: 50_000 * ((n % 20) + 1), currency: 'CNY' }, purchaseStage: stages[n % stages.length] },
      characteristics: { serviceArea: `${region} China`, growthPotential: ['High', 'Medium', 'Low'][n % 3], salesCapability: ['Strong', 'Average', 'Weak'][n % 3] },
      managementStatus: { currentSalesPerformance: `CNY ${(n % 50) + 5}m`, cooperationAttitude: ['Open', 'Cautious', 'Demanding'][n % 3] },
      tradingStatus: { reputation: ['Good', 'Fair', 'Excellent'][n % 3], pastCreditProblems: n % 13 === 0 ? 'Paid 90 days late in 2023' : 'None' },
      competitorNotes: n % 4 === 0 ? 'Also buys from a competitor at 5% lower prices' : null,
    };
    if (individual) input.individual = { gender: n % 2 ? 'FEMALE' : 'MALE', birthday: `19${60 + (n % 35)}-${String((n % 12) + 1).padStart(2, '0')}-${String((n % 27) + 1).padStart(2, '0')}`, occupation: occupations[n % occupations.length] };
    else input.organisation = { enterpriseNature: natures[n % natures.length], legalRepresentative: `${surname} ${['Gang', 'Qiang', 'Mei', 'Ping'][n % 4]}`, registrationNumber: `9131${String(10_000_000_000 + n * 7_654_321).slice(-11)}${'ABCDEFGHJK'[n % 10]}`, companySize: sizes[n % sizes.length], employeeCount: 20 + ((n * 37) % 2000), establishedOn: `${1985 + (n % 35)}-0${(n % 9) + 1}-15`, assets: { amount: 1_000_000 * ((n % 40) + 1), currency: 'CNY' } };
    customers.push({
      input,
      lifecycle: n % 29 === 0 && !individual ? [] : lifecycle,
      file: recentContactDays > 20,
      changeAfterFiling: n % 19 === 4,
      qualificationSteps: !individual && n % 29 === 0 ? [1, 3, 5, 8, 9][(n / 29) % 5] : 0,
    });
  }
  // Possible duplicates, flagged at creation: the same company typed differently, the same phone.
  customers.push({ input: { ...customers[1].input, name: (customers[1].input.name as string).replace(' Co., Ltd.', '').toUpperCase(), organisation: {}, partnerIds: [], ownerId: 'c-zhao' }, lifecycle: [], file: true, changeAfterFiling: false, qualificationSteps: 0 });
  customers.push({
    input: { ...customers[2].input, name: 'Tianhe Logistic Services', organisation: {}, contacts: [{ name: 'Front desk', phone: (customers[2].input.contacts as { phone: string }[])[0].phone }], ownerId: 'c-wang' },
    lifecycle: [],
    file: false,
    changeAfterFiling: false,
    qualificationSteps: 0,
  });
  return customers;
}

/** Seeds what is missing: departments and consultants are upserts, customers are created once (by name). */
export async function seedDemoData(gatewayUrl: string, tokens: Record<string, string>, log: (line: string) => void = () => undefined): Promise<SeedResult> {
  const gm = tokens.generalManager;
  const started = Date.now();
  for (const department of demoDepartments) await call(gatewayUrl, `mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { department { id } ${USER_ERRORS} } }`, { i: department }, gm);
  for (const consultant of demoConsultants) await call(gatewayUrl, `mutation($i: UpsertConsultantInput!) { upsertConsultant(input: $i) { consultant { id } ${USER_ERRORS} } }`, { i: consultant }, gm);

  const existing = await existingCustomerNames(gatewayUrl, gm);
  const missing = demoCustomers(started).filter((c) => !existing.has(c.input.name as string));
  if (missing.length === 0) return { skipped: true, customers: [] };

  const created: (string | null)[] = new Array(missing.length).fill(null);
  await inParallel(missing, CONCURRENCY, async (customer, i) => {
    created[i] = await seedCustomer(gatewayUrl, customer, tokens);
  });
  log(`seeded ${demoDepartments.length} departments, ${demoConsultants.length} consultants, ${created.length} customers in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // In a stable order, without the removed ones (no new activity may be recorded for them).
  const usable = missing.map((customer, i) => (customer.lifecycle.includes('REMOVED') ? null : created[i])).filter((id): id is string => Boolean(id));
  return { skipped: false, customers: usable };
}

async function seedCustomer(url: string, customer: DemoCustomer, tokens: Record<string, string>): Promise<string> {
  const gm = tokens.generalManager;
  const { createCustomer } = await call(url, `mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`, { i: customer.input }, gm);
  const id = createCustomer.customer.id as string;
  // Each step's input names the customer next to the step's data.
  for (const step of qualificationSteps(tokens).slice(0, customer.qualificationSteps)) await call(url, step.query, { i: { customerId: id, ...step.input } }, step.token);
  for (const lifecycle of customer.lifecycle) await call(url, UPDATE_CUSTOMER, { i: { id, changes: { lifecycle } } }, gm);
  if (customer.file) await call(url, `mutation($i: FileCustomerInput!) { fileCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`, { i: { id } }, gm);
  if (customer.file && customer.changeAfterFiling) await call(url, UPDATE_CUSTOMER, { i: { id, changes: { address: `${customer.input.address} (new building)` } } }, gm);
  return id;
}

const UPDATE_CUSTOMER = `mutation($i: UpdateCustomerInput!) { updateCustomer(input: $i) { customer { id } ${USER_ERRORS} } }`;

/** A qualification step's mutation: its input (the customer and the step's data), answering the customer. */
const stepMutation = (name: string) => `mutation($i: ${name[0].toUpperCase()}${name.slice(1)}Input!) { ${name}(input: $i) { customer { id } ${USER_ERRORS} } }`;

/** The new-customer qualification procedure, step by step, each by the role that takes it. */
function qualificationSteps(tokens: Record<string, string>): { query: string; input?: Record<string, unknown>; token: string }[] {
  const finding = (area: string, investigator: string, token: string) => ({
    query: stepMutation('recordInvestigationFinding'),
    input: { area, findings: `${area.toLowerCase()} checked on site`, conclusion: 'SATISFACTORY', investigator },
    token,
  });
  return [
    {
      query: stepMutation('recordGeneralSurvey'),
      input: { companyHistory: 'Founded in the 1990s, privatised 2004', profile: 'Two plants, 400 staff', financialStatements: 'dms://finance/statements/2024', productCatalogue: 'dms://catalogues/2025' },
      token: tokens.generalManager,
    },
    finding('FINANCE', 'Gao', tokens.finance),
    finding('DESIGN', 'Qian', tokens.technical),
    finding('QUALITY', 'Qian', tokens.technical),
    {
      query: stepMutation('submitQualificationApplication'),
      input: { reasons: 'Regional leader, steady demand', futureTradingPolicy: 'Framework contract with quarterly call-offs', surveyData: 'Survey and on-site findings attached', products: [{ product: 'P-100 pump', quantity: 200, unit: 'pcs' }] },
      token: tokens.generalManager,
    },
    { query: stepMutation('decideQualification'), input: { approved: true, comment: 'Approved by the department' }, token: tokens.generalManager },
    {
      query: stepMutation('recordQualificationContracts'),
      input: { supplyContractNo: 'SC-DEMO-001', qualityAssuranceContractNo: 'QA-DEMO-001', signedOn: new Date().toISOString().slice(0, 10) },
      token: tokens.generalManager,
    },
    { query: stepMutation('registerCustomerPortal'), input: { credentialsRef: 'idp:portal/demo-customer' }, token: tokens.generalManager },
    { query: stepMutation('archiveQualifiedCustomer'), token: tokens.archiveKeeper },
  ];
}

async function existingCustomerNames(url: string, token: string): Promise<Set<string>> {
  const names = new Set<string>();
  let after: string | null = null;
  for (;;) {
    const page: Record<string, any> = await call(url, 'query($after: String) { customers(first: 200, after: $after) { pageInfo { hasNextPage endCursor } edges { node { name } } } }', { after }, token);
    for (const edge of page.customers.edges) names.add(edge.node.name);
    if (!page.customers.pageInfo.hasNextPage) return names;
    after = page.customers.pageInfo.endCursor;
  }
}

/** Run `work` over `items`, at most `limit` at a time. */
async function inParallel<T>(items: T[], limit: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export async function call(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  const res = await graphql(url, query, variables, token);
  if (res.errors?.length) throw new Error(`${query.slice(0, 60)}…: ${res.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')}`);
  // A mutation refused for its input answers a payload with userErrors rather than an error: fail on those too.
  const userErrors = Object.values(res.data ?? {}).flatMap((answer) => ((answer as { userErrors?: { code: string; message: string }[] } | null)?.userErrors ?? []));
  if (userErrors.length) throw new Error(`${query.slice(0, 60)}…: ${userErrors.map((e) => `${e.code}: ${e.message}`).join('; ')}`);
  return res.data!;
}

/** Retry while a subgraph has not yet learned about a customer from the bus (it arrives within moments). */
export async function callWhenKnown(url: string, query: string, variables: Record<string, unknown>, token: string, timeoutMs = 30_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call(url, query, variables, token);
    } catch (error) {
      if (Date.now() > deadline || !/no such customer|Customer \S+ not found/.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
