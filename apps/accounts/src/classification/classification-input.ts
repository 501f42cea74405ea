import { z } from 'zod';
import { customerCategories, importances, loyaltyClasses } from './classification.model';

const staffIds = z.array(z.string().trim().min(1).max(64)).max(20, 'at most 20 staff');

/** The classification members of createCustomer's input (all optional: a new customer is POTENTIAL and GENERAL). */
export const classificationOnCreateInput = z.object({
  category: z.enum(customerCategories).nullish(),
  importance: z.enum(importances).nullish(),
  loyalty: z.enum(loyaltyClasses).nullish(),
  route: z.string().trim().min(1).max(100).nullish(),
  routeOrder: z.number().int('must be a whole number').min(0).max(100_000).nullish(),
  assignedStaffIds: staffIds.nullish(),
});

/** classifyCustomer: the customer `id`, and only the members given change. */
export const classifyCustomerInput = z
  .object({
    category: z.enum(customerCategories),
    importance: z.enum(importances),
    loyalty: z.enum(loyaltyClasses).nullable(),
    route: z.string().trim().min(1).max(100).nullable(),
    routeOrder: z.number().int('must be a whole number').min(0).max(100_000).nullable(),
    assignedStaffIds: staffIds,
  })
  .partial()
  .extend({ id: z.string() });
export type ClassifyCustomerInput = z.infer<typeof classifyCustomerInput>;
