import { samplePayload } from '@crm/contracts';
import { feedOldestAndNewestVersions } from '@crm/testing';
import { startAccountsWorld, type AccountsWorld } from './accounts-fixture';

jest.setTimeout(120_000);

describe('accounts reads the oldest and the newest version of every event it consumes', () => {
  let w: AccountsWorld;
  let customerId: string;
  beforeAll(async () => {
    w = await startAccountsWorld();
    // accounts retries a delivery to a customer it does not know (it announces every customer): name a real one.
    customerId = await w.customer({ ownerId: 'alice' });
  });
  afterAll(() => w.service.stop());

  it('processes a minimal payload of the oldest accepted version and a full payload of the newest, and dead-letters none', async () => {
    expect(w.service.consumes.length).toBeGreaterThan(0);
    const feeds = await feedOldestAndNewestVersions(w.service, {
      payload: (contract, shape) => {
        const sample = samplePayload(contract, shape) as Record<string, unknown>;
        return 'customerId' in sample ? { ...sample, customerId } : sample;
      },
    });
    expect(feeds.filter((feed) => feed.outcome !== 'processed')).toEqual([]);
    expect(feeds).toHaveLength(w.service.consumes.length * 2);
  });
});
