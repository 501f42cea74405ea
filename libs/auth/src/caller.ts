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

export function hasRole(caller: Caller, ...wanted: Role[]): boolean {
  return wanted.some((role) => caller.roles.includes(role));
}

export function isPartner(caller: Caller): boolean {
  return caller.partnerId !== undefined || caller.roles.includes('partner');
}
