import { dateTimeInput, idempotencyKeyInput } from '@crm/kernel';
import { z } from 'zod';
import { companySizes, customerKinds, customerListTypes, enterpriseNatures, genders, lifecycles, purchaseStages } from './customer.model';

const optionalText = (max: number) => z.string().trim().max(max).nullish();
const note = () => optionalText(4000);

/** A calendar day, `YYYY-MM-DD`, that exists. */
export const calendarDay = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a day as YYYY-MM-DD')
  .refine((day) => {
    const [y, m, d] = day.split('-').map(Number);
    const probe = new Date(Date.UTC(y, m - 1, d));
    return probe.getUTCFullYear() === y && probe.getUTCMonth() === m - 1 && probe.getUTCDate() === d;
  }, 'is not a day of the calendar');

/** An instant (the DateTime scalar's Date, or an ISO-8601 string with a zone). */
export const instant = dateTimeInput;

export const moneyInput = z.object({
  amount: z.number().finite().nonnegative('cannot be negative').max(1e15),
  currency: z
    .string()
    .trim()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as CNY')
    .nullish()
    .transform((v) => v ?? 'CNY'),
});

export const phoneNumber = z
  .string()
  .trim()
  .regex(/^\+?[0-9 ()-]{5,20}$/, 'must be a phone number');

export const emailAddress = z.string().trim().email('must be an email address').max(254);

const contactInput = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  title: optionalText(100),
  phone: phoneNumber.nullish(),
  email: emailAddress.nullish(),
  decisionMaker: z
    .boolean()
    .nullish()
    .transform((v) => v ?? false),
});

const organisationProfileInput = z.object({
  enterpriseNature: z.enum(enterpriseNatures).nullish(),
  supervisingUnit: optionalText(200),
  legalRepresentative: optionalText(100),
  manager: optionalText(100),
  registrationNumber: z
    .string()
    .trim()
    .regex(/^[0-9A-Za-z -]{6,30}$/, 'must be a registration number (6–30 letters and digits)')
    .nullish(),
  companySize: z.enum(companySizes).nullish(),
  employeeCount: z.number().int('must be a whole number').nonnegative('cannot be negative').max(10_000_000).nullish(),
  establishedOn: calendarDay.nullish(),
  registeredCapital: moneyInput.nullish(),
  assets: moneyInput.nullish(),
});

const individualProfileInput = z.object({
  gender: z.enum(genders).nullish(),
  birthday: calendarDay.nullish(),
  age: z.number().int('must be a whole number').min(0).max(130, 'must be at most 130').nullish(),
  occupation: optionalText(100),
});

const needsInput = z.object({
  focusPoints: z
    .array(z.string().trim().min(1, 'cannot be empty').max(200))
    .max(30)
    .nullish()
    .transform((v) => v ?? []),
  budget: moneyInput.nullish(),
  intendedPurchaseBy: calendarDay.nullish(),
  purchaseStage: z.enum(purchaseStages).nullish(),
});

const characteristicsInput = z.object({
  serviceArea: note(),
  businessPhilosophy: note(),
  managementStyle: note(),
  salesCapability: note(),
  growthPotential: note(),
  culture: note(),
});

const managementStatusInput = z.object({
  currentSalesPerformance: note(),
  pastSalesPerformance: note(),
  staffQualifications: note(),
  partners: note(),
  cooperationAttitude: note(),
  competitorRelations: note(),
});

const tradingStatusInput = z.object({
  advantages: note(),
  problems: note(),
  futurePolicy: note(),
  reputation: note(),
  pastCreditProblems: note(),
});

/** The groups of the data card that are objects; an update changes only the members it names. */
export const cardGroups = {
  organisation: organisationProfileInput,
  individual: individualProfileInput,
  needs: needsInput,
  characteristics: characteristicsInput,
  managementStatus: managementStatusInput,
  tradingStatus: tradingStatusInput,
} as const;
export type CardGroup = keyof typeof cardGroups;

const partnerIds = z.array(z.string().trim().min(1).max(64)).max(20);

export const createCustomerInput = z.object({
  idempotencyKey: idempotencyKeyInput,
  name: z.string().trim().min(1, 'is required').max(200),
  kind: z.enum(customerKinds),
  listType: z.enum(customerListTypes),
  industry: optionalText(100),
  region: optionalText(100),
  address: optionalText(300),
  tradingSince: calendarDay.nullish(),
  contacts: z
    .array(contactInput)
    .max(50)
    .nullish()
    .transform((v) => v ?? []),
  ownerId: z.string().trim().min(1).max(64).nullish(),
  partnerIds: partnerIds.nullish().transform((v) => v ?? []),
  organisation: organisationProfileInput.nullish(),
  individual: individualProfileInput.nullish(),
  needs: needsInput.nullish(),
  characteristics: characteristicsInput.nullish(),
  managementStatus: managementStatusInput.nullish(),
  tradingStatus: tradingStatusInput.nullish(),
  competitorNotes: note(),
  industryNotes: note(),
});
export type CreateCustomerInput = z.infer<typeof createCustomerInput>;

/** Changes to the card (updateCustomer's `changes`, a list review's `corrections`): only the members given. */
export const customerCardChangesInput = z
  .object({
    name: z.string().trim().min(1, 'cannot be empty').max(200),
    listType: z.enum(customerListTypes),
    industry: optionalText(100),
    region: optionalText(100),
    address: optionalText(300),
    tradingSince: calendarDay.nullable(),
    contacts: z.array(contactInput).max(50),
    lifecycle: z.enum(lifecycles),
    partnerIds,
    organisation: organisationProfileInput.partial(),
    individual: individualProfileInput.partial(),
    needs: needsInput.partial(),
    characteristics: characteristicsInput.partial(),
    managementStatus: managementStatusInput.partial(),
    tradingStatus: tradingStatusInput.partial(),
    competitorNotes: note(),
    industryNotes: note(),
  })
  .partial();
export type CustomerCardChanges = z.infer<typeof customerCardChangesInput>;

/** The customer to change: any string (an id that is no customer's is NOT_FOUND). */
const targetId = z.string();

export const updateCustomerInput = z.object({ id: targetId, changes: customerCardChangesInput });

export const verifyCustomerInput = z.object({ id: targetId, note: optionalText(1000) });
