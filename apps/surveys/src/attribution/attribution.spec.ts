import { attributionOf } from './attribution';

const scope = { ownerId: 'alice', departmentId: 'D-EAST' };

describe('attribution', () => {
  it('takes the customer’s owner, department and region when the source says nothing', () => {
    expect(attributionOf({}, scope, 'North')).toEqual({ consultantId: 'alice', departmentId: 'D-EAST', region: 'North', products: [] });
  });

  it('lets the source’s context win field by field (the order’s consultant, department, region and products)', () => {
    expect(attributionOf({ consultantId: 'bob', departmentId: 'D-WEST', region: 'South', products: ['P-1', 'P-2', 'P-1'] }, scope, 'North')).toEqual({
      consultantId: 'bob',
      departmentId: 'D-WEST',
      region: 'South',
      products: ['P-1', 'P-2'],
    });
    expect(attributionOf({ consultantId: 'tech-1' }, scope, null)).toEqual({ consultantId: 'tech-1', departmentId: 'D-EAST', region: null, products: [] });
  });

  it('has none without a consultant or a department (a customer accounts has not announced)', () => {
    expect(attributionOf({}, null, null)).toBeNull();
    expect(attributionOf({ consultantId: 'tech-1' }, null, null)).toBeNull();
    expect(attributionOf({ consultantId: 'bob', departmentId: 'D-WEST' }, null, null)).toEqual({ consultantId: 'bob', departmentId: 'D-WEST', region: null, products: [] });
  });
});
