import { changeActor } from './change-actor';

describe('changeActor', () => {
  it('tells staff from the platform: system ids, and the service ids of events that named no user', () => {
    expect(changeActor('alice')).toEqual({ id: 'alice', kind: 'STAFF_MEMBER' });
    expect(changeActor('system:accounts-filing')).toEqual({ id: 'system:accounts-filing', kind: 'SYSTEM' });
    expect(changeActor('service:/crm/credit')).toEqual({ id: 'service:/crm/credit', kind: 'SYSTEM' });
    // Only the prefix counts: a user whose id merely contains it stays a member of staff.
    expect(changeActor('ops-service:1')).toEqual({ id: 'ops-service:1', kind: 'STAFF_MEMBER' });
  });
});
