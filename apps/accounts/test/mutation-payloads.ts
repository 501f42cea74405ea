import type { RunningService } from '@crm/kernel';
import type { GraphQLResponse } from '@crm/testing';

/** What every payload is asked for next to its record. */
export const USER_ERRORS = 'userErrors { field code message }';

/** One `UserError` as a payload answers it. */
export interface UserErrorAnswer {
  field: string[] | null;
  code: string;
  message: string;
}

type Payload = { userErrors?: UserErrorAnswer[] } & Record<string, unknown>;

/** The user errors of every root field of an answer (payloads only: other fields have none). */
export function userErrorsOf(data: Record<string, unknown> | null | undefined): UserErrorAnswer[] {
  return Object.values(data ?? {}).flatMap((answer) => (answer as Payload | null)?.userErrors ?? []);
}

/** Events this service published since it started (its own registry, so other test files do not move it). */
async function publishedCount(service: RunningService): Promise<number> {
  const metric = service.metrics.getSingleMetric('crm_events_published_total');
  const values = metric ? (await metric.get()).values : [];
  return values.reduce((sum, v) => sum + v.value, 0);
}

/**
 * What a refused mutation must leave as it was: every document of the service's database (the audit log of
 * personal-data reads aside: reads are written in the background) and the number of events it published.
 * The outbox is flushed first, so an event a write enqueued would show as published.
 */
export async function footprint(service: RunningService): Promise<{ documents: string; published: number }> {
  await service.flushOutbox();
  const db = service.connection.db!;
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name)// Not the request's writes: the read log of personal data, and the scheduler's leases (renewed by the clock).
    .filter((name) => name !== 'personal_data_reads' && name !== 'job_leases')
    .sort();
  const documents = await Promise.all(names.map(async (name) => [name, await db.collection(name).find({}).sort({ _id: 1 }).toArray()] as const));
  return { documents: JSON.stringify(documents), published: await publishedCount(service) };
}

/**
 * Run a mutation the caller can fix and answer its user errors, after checking what every refusal promises: no
 * top-level error, the payload's record(s) null, at least one user error, nothing written and no event published.
 */
export async function refusal(service: RunningService, run: () => Promise<GraphQLResponse>): Promise<UserErrorAnswer[]> {
  const before = await footprint(service);
  const res = await run();
  if (res.errors?.length) throw new Error(`expected user errors, got top-level errors: ${JSON.stringify(res.errors)}`);
  const payloads = Object.values(res.data ?? {}) as (Payload | null)[];
  if (payloads.length !== 1 || !payloads[0]?.userErrors) throw new Error(`expected one mutation payload with userErrors, got ${JSON.stringify(res.data)}`);
  const { userErrors, ...records } = payloads[0];
  if (Object.keys(records).length === 0) throw new Error('select the payload\'s record next to its userErrors: a refusal must answer it null');
  expect(records).toEqual(Object.fromEntries(Object.keys(records).map((key) => [key, null])));
  expect(userErrors.length).toBeGreaterThan(0);
  expect(await footprint(service)).toEqual(before);
  return userErrors;
}
