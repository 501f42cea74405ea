import { Registry } from 'prom-client';
import pino from 'pino';
import type { PersonalDataReadEntry } from './customer-access';
import { BufferedPersonalDataAudit, type PersonalDataReadSink } from './personal-data-audit';
import type { PersonalDataReadRecord } from './personal-data-read.model';

function read(customerId: string, fields: string[], requestId = 'r-1'): PersonalDataReadEntry {
  return { at: new Date('2025-03-03T09:00:00Z'), readerId: 'alice', readerRoles: ['consultant'], customerId, departmentId: 'D-EAST', ownerId: 'alice', fields, requestId, grantId: null };
}

/** A sink that can be told to fail, and keeps every batch it was given. */
function sink(): PersonalDataReadSink & { batches: PersonalDataReadRecord[][]; failNext: number; stored: Map<string, PersonalDataReadRecord> } {
  return {
    batches: [],
    failNext: 0,
    stored: new Map(),
    async insertMany(records) {
      this.batches.push(records.map((r) => ({ ...r })));
      if (this.failNext > 0) {
        this.failNext -= 1;
        throw Object.assign(new Error('not primary'), { name: 'MongoServerError', code: 10107 });
      }
      for (const r of records) this.stored.set(String(r._id), r);
    },
  };
}

function logs() {
  const lines: { level: number; msg: string; personalDataRead?: Record<string, unknown>; [key: string]: unknown }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
  return { logger, lines };
}

async function metric(registry: Registry, name: string): Promise<number> {
  const json = await registry.getSingleMetric(name)!.get();
  return json.values.reduce((sum, v) => sum + v.value, 0);
}

describe('BufferedPersonalDataAudit', () => {
  const options = (registry: Registry, logger = logs().logger) => ({ logger, metrics: registry, flushMs: 60_000, maxBatch: 100, maxBuffer: 1000 });

  it('writes the reads of many customers with one insertMany', async () => {
    const target = sink();
    const audit = new BufferedPersonalDataAudit(target, options(new Registry()));
    for (let i = 0; i < 50; i += 1) audit.recordRead(read(`c-${i}`, ['contacts.phone']));
    await audit.flush();
    expect(target.batches).toHaveLength(1);
    expect(target.batches[0]).toHaveLength(50);
    await audit.stop();
  });

  it('merges reads of the same customer in the same request into one record', async () => {
    const target = sink();
    const audit = new BufferedPersonalDataAudit(target, options(new Registry()));
    audit.recordRead(read('c-1', ['contacts.phone', 'contacts.email']));
    audit.recordRead(read('c-1', ['individual.birthday']));
    audit.recordRead(read('c-1', ['contacts.phone'], 'r-2'));
    await audit.flush();
    expect(target.batches[0].map((r) => [r.requestId, r.fields])).toEqual([
      ['r-1', ['contacts.phone', 'contacts.email', 'individual.birthday']],
      ['r-2', ['contacts.phone']],
    ]);
    await audit.stop();
  });

  it('writes at once when a batch is full, without waiting for the timer', async () => {
    const target = sink();
    const audit = new BufferedPersonalDataAudit(target, { ...options(new Registry()), maxBatch: 3 });
    for (let i = 0; i < 2; i += 1) audit.recordRead(read(`c-${i}`, ['contacts.email']));
    expect(target.batches).toHaveLength(0);
    audit.recordRead(read('c-2', ['contacts.email']));
    expect(target.batches.map((b) => b.length)).toEqual([3]);
    await audit.stop();
  });

  it('writes after the flush interval without anyone calling flush', async () => {
    const target = sink();
    const audit = new BufferedPersonalDataAudit(target, { ...options(new Registry()), flushMs: 5 });
    audit.recordRead(read('c-1', ['contacts.email']));
    const deadline = Date.now() + 2000;
    while (target.stored.size === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(target.stored.size).toBe(1);
    await audit.stop();
  });

  it('keeps a batch whose write failed, logs and counts the failure, and writes it on the retry', async () => {
    const target = sink();
    target.failNext = 1;
    const registry = new Registry();
    const { logger, lines } = logs();
    const audit = new BufferedPersonalDataAudit(target, options(registry, logger));
    audit.recordRead(read('c-1', ['contacts.phone']));
    audit.recordRead(read('c-2', ['contacts.phone']));
    await audit.flush();
    expect(target.stored.size).toBe(0);
    expect(audit.pending).toBe(2);
    expect(await metric(registry, 'crm_personal_data_audit_write_failures_total')).toBe(1);
    expect(lines.find((l) => l.level === 50)).toMatchObject({ msg: expect.stringContaining('records kept for retry'), records: 2 });

    audit.recordRead(read('c-3', ['contacts.phone']));
    await audit.flush();
    expect([...target.stored.values()].map((r) => r.customerId).sort()).toEqual(['c-1', 'c-2', 'c-3']);
    expect(target.batches[1].map((r) => r._id)).toEqual(expect.arrayContaining(target.batches[0].map((r) => r._id)));
    expect(await metric(registry, 'crm_personal_data_reads_recorded_total')).toBe(3);
    await audit.stop();
  });

  it('treats a retry that meets records already written as written (ids are fixed before the first try)', async () => {
    const registry = new Registry();
    const written: PersonalDataReadRecord[] = [];
    const audit = new BufferedPersonalDataAudit(
      {
        async insertMany(records) {
          written.push(...records);
          throw Object.assign(new Error('E11000'), { writeErrors: records.map(() => ({ code: 11000 })) });
        },
      },
      options(registry),
    );
    audit.recordRead(read('c-1', ['contacts.phone']));
    await audit.flush();
    expect(audit.pending).toBe(0);
    expect(await metric(registry, 'crm_personal_data_audit_write_failures_total')).toBe(0);
  });

  it('never drops silently: past the buffer limit the oldest reads are logged in full and counted', async () => {
    const target = sink();
    target.failNext = 10;
    const registry = new Registry();
    const { logger, lines } = logs();
    const audit = new BufferedPersonalDataAudit(target, { ...options(registry, logger), maxBuffer: 2 });
    for (const id of ['c-1', 'c-2', 'c-3']) audit.recordRead(read(id, ['contacts.phone']));
    await audit.flush();
    expect(audit.pending).toBe(2);
    expect(await metric(registry, 'crm_personal_data_audit_dropped_total')).toBe(1);
    const dropped = lines.find((l) => l.personalDataRead);
    expect(dropped).toMatchObject({ level: 50, personalDataRead: { customerId: 'c-1', readerId: 'alice', fields: ['contacts.phone'], requestId: 'r-1' } });
    target.failNext = 0;
    await audit.stop();
    expect([...target.stored.values()].map((r) => r.customerId).sort()).toEqual(['c-2', 'c-3']);
  });

  it('on stop, writes what waits, and logs in full whatever the database still refuses', async () => {
    const target = sink();
    target.failNext = 1;
    const registry = new Registry();
    const { logger, lines } = logs();
    const audit = new BufferedPersonalDataAudit(target, options(registry, logger));
    audit.recordRead(read('c-1', ['contacts.email']));
    await audit.stop();
    expect(audit.pending).toBe(0);
    expect(lines.some((l) => l.personalDataRead?.customerId === 'c-1')).toBe(true);
    expect(await metric(registry, 'crm_personal_data_audit_dropped_total')).toBe(1);
  });
});
