import { DEV_JWT_SECRET, signDevToken } from '@crm/auth';
import { Registry } from 'prom-client';
import type { RunningGateway } from '../src/gateway';
import { rateLimitClass, RateLimiter, rateLimitKey, TokenBucket, DEFAULT_RATE_LIMITS } from '../src/rate-limits';
import { composeTinySupergraph, devToken, postGraphQL, startTestGateway, startTinySubgraphs, type TinySubgraph } from './tiny-federation';

const partnerToken = (sub: string, partnerId: string) => signDevToken({ sub, roles: ['partner'], partner_id: partnerId }, { secret: DEV_JWT_SECRET, expiresIn: '5m' });
// `{ people { id } }` costs 10, `peoplePage(first: 200)` 401: the cost burst holds 5 of the first and 2 of the second.
const tight = { requestsPerMinute: 60, requestBurst: 5, costPerMinute: 6_000, costBurst: 1_000 };

describe('token bucket', () => {
  it('starts full, refuses beyond its capacity, and refills continuously', () => {
    const bucket = new TokenBucket(3, 60, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(1, 0).ok)).toEqual([true, true, true, false]);
    expect(bucket.take(1, 0).retryAfterMs).toBe(1000);
    expect(bucket.take(1, 999).ok).toBe(false);
    expect(bucket.take(1, 1000)).toMatchObject({ ok: true, remaining: 0 });
    expect(bucket.take(2, 60_000)).toMatchObject({ ok: true, remaining: 1 });
    expect(bucket.isFull(60_000)).toBe(false);
    expect(bucket.isFull(62_000)).toBe(true);
  });

  it('says how long until a take larger than what is left fits (capped at its capacity)', () => {
    const bucket = new TokenBucket(10, 600, 0);
    bucket.take(8, 0);
    expect(bucket.take(5, 0)).toMatchObject({ ok: false, remaining: 2, retryAfterMs: 300 });
    expect(bucket.take(50, 0).retryAfterMs).toBe(800);
  });
});

describe('whose budget and which class', () => {
  const limits = { ...DEFAULT_RATE_LIMITS, finance: { ...tight, requestsPerMinute: 10_000 } };
  it('charges a partner organisation as one, staff members each on their own', () => {
    expect(rateLimitKey({ userId: 'u1', roles: ['partner'], partnerId: 'P-1', token: '' })).toBe('partner:P-1');
    expect(rateLimitKey({ userId: 'u1', roles: ['consultant'], token: '' })).toBe('user:u1');
  });
  it('classes a partner as partner whatever else it claims, staff by their most generous configured role', () => {
    expect(rateLimitClass({ userId: 'u', roles: ['partner', 'finance'], partnerId: 'P', token: '' }, limits)).toBe('partner');
    expect(rateLimitClass({ userId: 'u', roles: ['consultant', 'finance'], token: '' }, limits)).toBe('finance');
    expect(rateLimitClass({ userId: 'u', roles: ['consultant'], token: '' }, limits)).toBe('default');
  });
  it('gives each of N replicas 1/N of the budget', () => {
    const limiter = new RateLimiter({ limits: { ...DEFAULT_RATE_LIMITS, partner: tight }, replicas: 2, registry: new Registry(), now: () => 0 });
    const partner = { userId: 'u', roles: ['partner' as const], partnerId: 'P', token: '' };
    expect(limiter.takeRequest(partner).limit).toBe(2);
    limiter.takeRequest(partner);
    expect(() => limiter.takeRequest(partner)).toThrow(/Rate limit/);
  });
});

describe('rate limits at the gateway', () => {
  let subgraphs: { people: TinySubgraph; orders: TinySubgraph };
  let gateway: RunningGateway;

  beforeAll(async () => {
    subgraphs = await startTinySubgraphs();
    gateway = await startTestGateway(composeTinySupergraph([subgraphs.people, subgraphs.orders]), { RATE_LIMITS: JSON.stringify({ partner: tight }) });
  });
  afterAll(async () => {
    await gateway.stop();
    await Promise.all([subgraphs.people.stop(), subgraphs.orders.stop()]);
  });

  it('limits a partner bursting requests with 429, Retry-After and RateLimit headers, while a staff caller goes on', async () => {
    const partner = await partnerToken('portal-a', 'P-BURST');
    const staff = await devToken();
    const partnerAnswers = await Promise.all(Array.from({ length: 12 }, () => postGraphQL(gateway, '{ people { id } }', { token: partner })));
    const staffAnswers = await Promise.all(Array.from({ length: 12 }, () => postGraphQL(gateway, '{ people { id } }', { token: staff })));
    const statuses = partnerAnswers.map((a) => a.status);
    console.log(`burst of 12: partner answered ${statuses.filter((s) => s === 200).length}, limited ${statuses.filter((s) => s === 429).length}; staff answered ${staffAnswers.filter((a) => a.status === 200).length}`);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(staffAnswers.every((a) => a.status === 200)).toBe(true);
    const refused = partnerAnswers.find((a) => a.status === 429)!;
    expect(refused.body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'requests' });
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('ratelimit-limit')).toBe('5');
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    const answered = partnerAnswers.find((a) => a.status === 200)!;
    expect(answered.headers.get('ratelimit-limit')).toBe('5');
    expect(Number(answered.headers.get('ratelimit-remaining'))).toBeLessThan(5);
    const metrics = await gateway.registry.getSingleMetricAsString('gateway_rate_limited_total');
    expect(metrics).toContain('gateway_rate_limited_total{class="partner",limit="requests",service="gateway"} 7');
  });

  it('charges the users of one partner to one budget, another partner to its own', async () => {
    const [a1, a2, b] = await Promise.all([partnerToken('portal-1', 'P-SHARED'), partnerToken('portal-2', 'P-SHARED'), partnerToken('portal-3', 'P-OTHER')]);
    const shared = await Promise.all([a1, a2, a1, a2, a1, a2, a1].map((token) => postGraphQL(gateway, '{ people { id } }', { token })));
    expect(shared.filter((a) => a.status === 429).length).toBe(2);
    expect((await postGraphQL(gateway, '{ people { id } }', { token: b })).status).toBe(200);
  });

  it('spends the estimated query cost from a budget of its own, before any subgraph is called', async () => {
    const partner = await partnerToken('portal-cost', 'P-COST');
    const calls = subgraphs.people.calls.length;
    const query = '{ peoplePage(first: 200) { edges { node { id } } } }';
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await postGraphQL(gateway, query, { token: partner }));
    const limited = answers.filter((a) => a.status === 429);
    expect(limited.length).toBe(2);
    expect(limited[0].body.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', limit: 'cost' });
    expect(subgraphs.people.calls.length - calls).toBe(answers.length - limited.length);
  });
});
