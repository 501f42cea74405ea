import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { contractKey, eventContractModules, eventContracts } from './contract-schemas';
import { compareWithSnapshots, explain } from './contract-snapshots';
import { samplePayload } from './contract-samples';

describe('event contracts against their recorded schemas (libs/contracts/snapshots/events)', () => {
  it('reads every contract module under src/events', () => {
    const files = readdirSync(join(__dirname, 'events')).filter((file) => file.endsWith('.events.ts'));
    expect(Object.keys(eventContractModules).sort()).toEqual(files.map((file) => file.replace(/\.ts$/, '')).sort());
  });

  it('finds every contract version once, under a crm.<service>.<entity>.<event> type', () => {
    const keys = eventContracts().map(contractKey);
    expect(keys.length).toBeGreaterThan(40);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('has a snapshot for every contract version and no version changed since it was recorded', () => {
    const problems = compareWithSnapshots()
      .map(explain)
      .filter((message) => message !== '');
    // Breaking: add a new version instead. Additive or new: npm run contracts:snapshot and commit the snapshot.
    expect(problems.join('\n')).toBe('');
  });

  it.each(eventContracts().map((contract) => [contractKey(contract), contract] as const))('%s has a valid minimal and full sample payload', (_key, contract) => {
    expect(() => samplePayload(contract, 'minimal')).not.toThrow();
    expect(() => samplePayload(contract, 'full')).not.toThrow();
  });
});
