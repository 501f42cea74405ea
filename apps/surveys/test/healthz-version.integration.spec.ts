import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RunningService } from '@crm/kernel';
import { testServiceEnv } from '@crm/testing';
import { surveysService } from '../src/surveys.service';

describe('surveys /healthz names the service and its version', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await surveysService.start({ env: testServiceEnv('surveys') });
  });
  afterAll(() => service.stop());

  it('answers { status, service, version } with the version of apps/surveys/package.json', async () => {
    const { version } = JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string };
    const response = await fetch(`${service.url.replace(/\/graphql$/, '')}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', service: 'surveys', version });
  });
});
