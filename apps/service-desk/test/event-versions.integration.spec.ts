import type { RunningService } from '@crm/kernel';
import { feedOldestAndNewestVersions, testServiceEnv } from '@crm/testing';
import { serviceDeskService } from '../src/service-desk.service';

jest.setTimeout(120_000);

describe('service-desk reads the oldest and the newest version of every event it consumes', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await serviceDeskService.start({ env: testServiceEnv('service-desk') });
  });
  afterAll(() => service.stop());

  it('processes a minimal payload of the oldest accepted version and a full payload of the newest, and dead-letters none', async () => {
    expect(service.consumes.length).toBeGreaterThan(0);
    const feeds = await feedOldestAndNewestVersions(service);
    expect(feeds.filter((feed) => feed.outcome !== 'processed')).toEqual([]);
    expect(feeds).toHaveLength(service.consumes.length * 2);
  });
});
