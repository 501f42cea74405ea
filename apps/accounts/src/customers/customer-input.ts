import { z } from 'zod';
import { customerKinds, customerListTypes, lifecycles } from './customer.model';

const optionalText = (max: number) => z.string().trim().max(max).nullish();

const contactInput = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  title: optionalText(100),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number')
    .nullish(),
  email: z.string().trim().email('must be an email address').nullish(),
  decisionMaker: z.boolean().nullish().transform((v) => v ?? false),
});

export const createCustomerInput = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  kind: z.enum(customerKinds),
  listType: z.enum(customerListTypes),
  industry: optionalText(100),
  region: optionalText(100),
  address: optionalText(300),
  contacts: z.array(contactInput).max(50).nullish().transform((v) => v ?? []),
  ownerId: z.string().trim().min(1).max(64).nullish(),
  partnerIds: z.array(z.string().trim().min(1).max(64)).max(20).nullish().transform((v) => v ?? []),
});
export type CreateCustomerInput = z.infer<typeof createCustomerInput>;

export const updateCustomerInput = z
  .object({
    name: z.string().trim().min(1, 'cannot be empty').max(200),
    listType: z.enum(customerListTypes),
    industry: optionalText(100),
    region: optionalText(100),
    address: optionalText(300),
    contacts: z.array(contactInput).max(50),
    lifecycle: z.enum(lifecycles),
  })
  .partial();
export type UpdateCustomerInput = z.infer<typeof updateCustomerInput>;
