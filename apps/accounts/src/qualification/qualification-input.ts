import { z } from 'zod';
import { calendarDay } from '../customers/customer-input';
import { investigationAreas, investigationConclusions } from './qualification.model';

const required = (max: number) => z.string().trim().min(1, 'is required').max(max);

/** Every step names the organisation customer it is for: any string (an id that is no customer's is NOT_FOUND). */
export const qualificationTarget = z.object({ customerId: z.string() });

export const generalSurveyInput = z.object({
  companyHistory: required(4000),
  profile: required(4000),
  financialStatements: required(1000),
  productCatalogue: required(1000),
});

export const investigationFindingInput = z.object({
  area: z.enum(investigationAreas),
  findings: required(4000),
  conclusion: z.enum(investigationConclusions),
  investigator: required(100),
});

export const qualificationApplicationInput = z.object({
  reasons: required(4000),
  futureTradingPolicy: required(4000),
  surveyData: required(4000),
  products: z
    .array(
      z.object({
        product: required(200),
        quantity: z.number().finite().positive('must be more than 0'),
        unit: z.string().trim().max(20).nullish(),
      }),
    )
    .min(1, 'name at least one product and its quantity')
    .max(200),
});

export const qualificationDecisionInput = z
  .object({ approved: z.boolean(), comment: z.string().trim().max(2000).nullish() })
  .refine((d) => d.approved || Boolean(d.comment), { message: 'a rejection needs a reason', path: ['comment'] });

/** Supply and quality-assurance contracts are signed together: both numbers, one signing day. */
export const qualificationContractsInput = z.object({
  supplyContractNo: required(100),
  qualityAssuranceContractNo: required(100),
  signedOn: calendarDay,
});

/** A reference to credentials the identity system issued, `<system>:<path>`: an id, never a password. */
export const portalRegistrationInput = z.object({
  credentialsRef: z
    .string()
    .trim()
    .regex(/^[a-z][a-z0-9+.-]{1,30}:[A-Za-z0-9_./-]{2,200}$/, 'must be a reference to the issued credentials such as idp:portal/huaxia-01, never the secret'),
});
