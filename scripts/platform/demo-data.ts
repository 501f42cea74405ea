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
];

export const demoPartnerId = 'P-HUAXIA';

/** Tokens a new user can paste into a GraphQL client. */
export async function demoTokens(secret: string): Promise<Record<string, string>> {
  const sign = (claims: CrmClaims) => signDevToken(claims, { secret, expiresIn: '30d' });
  return {
    generalManager: await sign({ sub: 'gm-zhou', name: 'Zhou (general manager)', roles: ['general_manager'] }),
    eastManager: await sign({ sub: 'm-east', name: 'East sales manager', roles: ['department_manager'], department_id: 'D-EAST' }),
    consultantWang: await sign({ sub: 'c-wang', name: 'Wang Fang', roles: ['consultant'], department_id: 'D-EAST' }),
    serviceAgent: await sign({ sub: 'agent-he', name: 'He (service desk)', roles: ['service_agent'] }),
    finance: await sign({ sub: 'fin-gao', name: 'Gao (finance)', roles: ['finance'] }),
    partnerPortal: await sign({ sub: 'portal-huaxia', name: 'Huaxia portal', roles: ['partner'], partner_id: demoPartnerId }),
  };
}

const companyStems = ['Hengda', 'Jinling', 'Tianhe', 'Minsheng', 'Huaxin', 'Dongfang', 'Changjiang', 'Xinghai', 'Taishan', 'Longteng', 'Baiyun', 'Qilin'];
const companySuffixes = ['Machinery', 'Foods', 'Logistics', 'Pharma', 'Textiles', 'Electronics'];
const regions = ['East', 'West', 'North', 'South'];
const industries = ['Manufacturing', 'Retail', 'Healthcare', 'Logistics', 'Energy', 'Public sector'];
const listTypes = ['ENTERPRISE', 'ENTERPRISE', 'SPECIAL_ENTERPRISE', 'GOVERNMENT_AGENCY', 'BUSINESS_PARTNER'];
const lifecyclePaths: string[][] = [[], ['QUALIFYING'], ['QUALIFYING', 'ACTIVE'], ['QUALIFYING', 'ACTIVE'], ['QUALIFYING', 'ACTIVE', 'DORMANT']];

export interface SeedResult {
  skipped: boolean;
  customers: string[];
}

/** Seeds once: when the archive already holds customers, it leaves everything as it is. */
export async function seedDemoData(gatewayUrl: string, tokens: Record<string, string>, log: (line: string) => void = () => undefined): Promise<SeedResult> {
  const gm = tokens.generalManager;
  const existing = await call(gatewayUrl, '{ customers(first: 1) { totalCount } }', {}, gm);
  if (existing.customers.totalCount > 0) return { skipped: true, customers: [] };

  for (const department of demoDepartments) await call(gatewayUrl, 'mutation($i: DepartmentInput!) { upsertDepartment(input: $i) { id } }', { i: department }, gm);
  for (const consultant of demoConsultants) await call(gatewayUrl, 'mutation($i: ConsultantInput!) { upsertConsultant(input: $i) { id } }', { i: consultant }, gm);

  const customers: string[] = [];
  let n = 0;
  for (const stem of companyStems) {
    for (const suffix of companySuffixes.slice(0, 4)) {
      const owner = demoConsultants[n % demoConsultants.length];
      const individual = n % 9 === 8;
      const input = {
        name: individual ? `${stem} ${suffix} (owner: Ms ${stem})` : `${stem} ${suffix} Co., Ltd.`,
        kind: individual ? 'INDIVIDUAL' : 'ORGANISATION',
        listType: individual ? 'INDIVIDUAL' : listTypes[n % listTypes.length],
        industry: industries[n % industries.length],
        region: regions[n % regions.length],
        address: `${(n % 90) + 10} ${stem} Road, ${regions[n % regions.length]} district`,
        ownerId: owner.id,
        partnerIds: n % 7 === 0 ? [demoPartnerId] : [],
        contacts: [
          { name: `${stem} Purchasing`, title: 'Purchasing manager', phone: `+86 21 5${String(1000000 + n * 7919).slice(-7)}`, email: `buyer${n}@${stem.toLowerCase()}.example`, decisionMaker: true },
          { name: `${stem} Reception`, title: 'Receptionist', phone: `+86 21 6${String(2000000 + n * 104729).slice(-7)}`, decisionMaker: false },
        ],
      };
      const created = await call(gatewayUrl, 'mutation($i: CreateCustomerInput!) { createCustomer(input: $i) { id } }', { i: input }, gm);
      const id = created.createCustomer.id as string;
      for (const lifecycle of lifecyclePaths[n % lifecyclePaths.length]) {
        await call(gatewayUrl, 'mutation($id: ID!, $i: UpdateCustomerInput!) { updateCustomer(id: $id, input: $i) { id } }', { id, i: { lifecycle } }, gm);
      }
      customers.push(id);
      n += 1;
    }
  }
  log(`seeded ${demoDepartments.length} departments, ${demoConsultants.length} consultants, ${customers.length} customers`);
  return { skipped: false, customers };
}

export async function call(url: string, query: string, variables: Record<string, unknown>, token: string): Promise<Record<string, any>> {
  const res = await graphql(url, query, variables, token);
  if (res.errors?.length) throw new Error(`${query.slice(0, 60)}…: ${res.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join('; ')}`);
  return res.data!;
}

/** Retry while a subgraph has not yet learned about a customer from the bus (it arrives within moments). */
export async function callWhenKnown(url: string, query: string, variables: Record<string, unknown>, token: string, timeoutMs = 15_000): Promise<Record<string, any>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await call(url, query, variables, token);
    } catch (error) {
      if (Date.now() > deadline || !/no such customer/.test(String(error))) throw error;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
