import { asPartnerOnly, hasRole, isPartner, roles, type Caller, type Role } from './caller';
import { signDevToken, DEV_JWT_SECRET } from './dev-token';
import { createTokenVerifier } from './token-verifier';

const staffRoles = roles.filter((role): role is Exclude<Role, 'partner'> => role !== 'partner');
const caller = (extra: Partial<Caller> & Pick<Caller, 'roles'>): Caller => ({ userId: 'u-1', token: 't', ...extra });

describe('a token that carries a partner id is a partner everywhere', () => {
  describe.each(staffRoles)('claiming %s as well', (role) => {
    const claimed = caller({ roles: [role], partnerId: 'P-1', departmentId: 'D-EAST' });

    it('is a partner', () => expect(isPartner(claimed)).toBe(true));

    it('passes no gate of that role', () => expect(hasRole(claimed, role)).toBe(false));

    it('is reduced to the partner role, its partner id, and no department', () => {
      expect(asPartnerOnly(claimed)).toEqual({ userId: 'u-1', token: 't', roles: ['partner'], partnerId: 'P-1' });
    });

    it('is verified as a partner only', async () => {
      const verify = createTokenVerifier({ JWT_SECRET: DEV_JWT_SECRET, JWT_ISSUER: 'crm-platform', JWT_AUDIENCE: 'crm-graph' });
      const token = await signDevToken({ sub: 'portal-1', roles: [role], partner_id: 'P-1', department_id: 'D-EAST' }, { secret: DEV_JWT_SECRET });
      const verified = await verify(token);
      expect([verified.roles, verified.partnerId, verified.departmentId]).toEqual([['partner'], 'P-1', undefined]);
    });

    it('keeps the role for staff without a partner id', () => {
      const staff = caller({ roles: [role], departmentId: 'D-EAST' });
      expect([isPartner(staff), hasRole(staff, role), asPartnerOnly(staff)]).toEqual([false, true, staff]);
    });
  });

  it('counts the partner role alone as a partner, even without a partner id (it then reads nothing)', () => {
    const bare = caller({ roles: ['partner'] });
    expect([isPartner(bare), hasRole(bare, 'partner'), hasRole(bare, 'consultant')]).toEqual([true, true, false]);
  });
});
