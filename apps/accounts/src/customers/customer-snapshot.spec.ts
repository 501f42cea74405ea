import { Types } from 'mongoose';
import { snapshot } from './customer-snapshot';

const base = { _id: new Types.ObjectId(), name: 'Li Na', lifecycle: 'ACTIVE' as const, ownerId: 'alice', departmentId: 'D-EAST', region: null };

describe('customer snapshot', () => {
  it.each([
    ['an individual with a birthday', { kind: 'INDIVIDUAL' as const, individual: { birthday: '1992-02-29' } }, '1992-02-29'],
    ['an individual without one', { kind: 'INDIVIDUAL' as const, individual: null }, null],
    ['an organisation (never a birthday)', { kind: 'ORGANISATION' as const, individual: { birthday: '1992-02-29' } }, null],
  ])('announces the birthday of %s', (_, fields, birthday) => {
    expect(snapshot({ ...base, ...fields }).birthday).toBe(birthday);
  });

  it.each([
    ['without a filing record (archived before filing was tracked)', true, undefined],
    ['with an open filing', false, { filedAt: null }],
    ['filed', true, { filedAt: new Date('2025-06-02T02:00:00Z') }],
  ])('announces a customer %s as filed: %s', (_, filed, filing) => {
    expect(snapshot({ ...base, kind: 'ORGANISATION', filing }).filed).toBe(filed);
  });
});
