import { customerCreatedV1, customerUpdatedV1, type EventData } from '@crm/contracts';
import type { CustomerScopeDirectory, CustomerScopeRecord } from '@crm/customer-scope';
import { upsertUnlessNewer } from '@crm/data';
import { Schema, type Connection, type Model } from 'mongoose';

/**
 * Who and what a response counts for: the consultant, department, region and products. Taken from the survey
 * request's context (the order's consultant and lines, the visit's staff, the ticket's first responder) and from
 * the customer's scope at the time (accounts' events), never from what the recorder types.
 */
export interface AttributionRecord {
  consultantId: string;
  departmentId: string;
  region: string | null;
  products: string[];
}

/** A customer's region as accounts last announced it (the scope copy keeps owner and department only). */
export interface CustomerRegionRecord {
  _id: string;
  region: string | null;
  asOf: Date;
}

const customerRegionSchema = new Schema<CustomerRegionRecord>(
  { _id: { type: String, required: true }, region: { type: String, default: null }, asOf: { type: Date, required: true } },
  { versionKey: false },
);

export function customerRegionModel(connection: Connection): Model<CustomerRegionRecord> {
  return connection.model<CustomerRegionRecord>('SurveyCustomerRegion', customerRegionSchema, 'customer_regions');
}

type CustomerSnapshotEvent = { time: string; data: Pick<EventData<typeof customerCreatedV1> | EventData<typeof customerUpdatedV1>, 'customer'> };

/** What a request's source knows; anything it does not know comes from the customer's scope. */
export interface SourceContext {
  consultantId?: string | null;
  departmentId?: string | null;
  region?: string | null;
  products?: readonly string[];
}

/** The attribution of a source context over the customer's scope: the source wins field by field. */
export function attributionOf(context: SourceContext, scope: Pick<CustomerScopeRecord, 'ownerId' | 'departmentId'> | null, region: string | null): AttributionRecord | null {
  const consultantId = context.consultantId ?? scope?.ownerId ?? null;
  const departmentId = context.departmentId ?? scope?.departmentId ?? null;
  if (!consultantId || !departmentId) return null;
  return { consultantId, departmentId, region: context.region ?? region, products: [...new Set(context.products ?? [])] };
}

export class Attributions {
  constructor(
    private readonly scopes: CustomerScopeDirectory,
    readonly regions: Model<CustomerRegionRecord>,
  ) {}

  /** customer.created / customer.updated: the region, newest event wins. */
  async applyCustomer(event: CustomerSnapshotEvent): Promise<void> {
    const { customer } = event.data;
    await upsertUnlessNewer(this.regions, customer.id, { region: customer.region }, 'asOf', new Date(event.time));
  }

  /** The attribution now (null when accounts has not announced the customer and the source does not say). */
  async of(customerId: string, context: SourceContext = {}): Promise<AttributionRecord | null> {
    const [scope, region] = await Promise.all([
      this.scopes.scopes.findById(customerId).lean<CustomerScopeRecord>(),
      this.regions.findById(customerId).lean<CustomerRegionRecord>(),
    ]);
    return attributionOf(context, scope, region?.region ?? null);
  }
}
