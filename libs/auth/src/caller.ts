import { z } from 'zod';

/** The people and systems the platform serves (docs/domain), as JWT roles. */
export const roles = [
  'consultant',
  'department_manager',
  'general_manager',
  'service_agent',
  'technical_staff',
  'coordinator',
  'finance',
  'marketing',
  'partner',
  'internal_app',
] as const;
export type Role = (typeof roles)[number];

/** Claims we mint and accept, beyond the registered ones (sub, iss, aud, exp). */
export const crmClaimsSchema = z.object({
  sub: z.string().min(1),
  roles: z.array(z.enum(roles)).min(1),
  department_id: z.string().min(1).optional(),
  partner_id: z.string().min(1).optional(),
  name: z.string().optional(),
});
export type CrmClaims = z.infer<typeof crmClaimsSchema>;

/** A verified caller: who acts, in which roles, for which department or partner. */
export interface Caller {
  userId: string;
  name?: string;
  roles: Role[];
  departmentId?: string;
  partnerId?: string;
  /** The bearer token as received, forwarded unchanged to subgraphs. */
  token: string;
}

/**
 * Whether the caller acts in one of `wanted`. A partner acts as a partner only: the staff roles a partner token
 * also claims never count (see `asPartnerOnly`), so no role gate lets a partner through.
 */
export function hasRole(caller: Caller, ...wanted: Role[]): boolean {
  if (isPartner(caller)) return wanted.includes('partner');
  return wanted.some((role) => caller.roles.includes(role));
}

/** Any caller carrying a partner id (or the partner role) is a partner, whatever other roles it claims. */
export function isPartner(caller: Pick<Caller, 'partnerId' | 'roles'>): boolean {
  return caller.partnerId !== undefined || caller.roles.includes('partner');
}

/**
 * The caller as every rule must see it: a partner keeps its partner id and the role `partner` only, and no
 * department (staff roles and a department claimed by a partner token would open staff paths that compare
 * `roles` or `departmentId` directly). Applied once, where a token is verified.
 */
export function asPartnerOnly<C extends Caller>(caller: C): C {
  if (!isPartner(caller)) return caller;
  // eslint-disable-next-line @typescript-eslint/no-unused-vars
  const { departmentId, ...partner } = caller;
  return { ...partner, roles: ['partner'] } as C;
}
