import { graphql, testServiceEnv, tokenFor } from '@crm/testing';
import type { RunningService } from '@crm/kernel';
import { accountsService } from '../src/accounts.service';

/** A running accounts subgraph on a fresh database, with one department and two consultants. */
export async function startAccounts(): Promise<{ service: RunningService; gm: string; alice: string; bob: string; manager: string }> {
  const service = await accountsService.start({ env: testServiceEnv('accounts') });
  const gm = await tokenFor({ sub: 'gm-1', roles: ['general_manager'] });
  const alice = await tokenFor({ sub: 'alice', roles: ['consultant'], department_id: 'D-EAST' });
  const bob = await tokenFor({ sub: 'bob', roles: ['consultant'], department_id: 'D-EAST' });
  const manager = await tokenFor({ sub: 'mgr-east', roles: ['department_manager'], department_id: 'D-EAST' });
  await graphql(service.url, 'mutation { upsertDepartment(input: {id: "D-EAST", name: "East sales"}) { id } }', {}, gm);
  for (const [id, name] of [['alice', 'Alice Wang'], ['bob', 'Bob Li']]) {
    await graphql(service.url, 'mutation($i: ConsultantInput!) { upsertConsultant(input: $i) { id } }', { i: { id, name, departmentId: 'D-EAST' } }, gm);
  }
  return { service, gm, alice, bob, manager };
}
