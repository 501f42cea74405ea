import { staffFigureReach, type Caller, type StaffFigureReach, type StaffFigureSubject } from '@crm/auth';
import type { CloudEvent } from '@crm/events';
import type { EventData, orderDeliveredV1 } from '@crm/contracts';
import type { ReportPeriod } from '@crm/working-calendar';
import type { PipelineStage } from 'mongoose';
import type { CustomerStore } from '../customers/customer-store';
import { acquisitionFigures, earlierPurchase, ownerFieldOf, reachCondition, type AcquisitionFigures } from './acquisition-rules';

export interface AcquisitionKey extends StaffFigureSubject {
  period: ReportPeriod;
}

/** New customers and conversion per consultant and department (docs/domain/kpis.md), from the archive and credit's deliveries. */
export class AcquisitionService {
  constructor(private readonly store: CustomerStore) {}

  /** credit delivered an order: remember the customer's first purchase (the earliest delivery), once per order. */
  async recordDelivery(event: CloudEvent<EventData<typeof orderDeliveredV1>>): Promise<void> {
    const customer = await this.store.find(event.data.customerId);
    // accounts announces every customer credit can take an order for; an unknown id is a delivery to retry.
    if (!customer) throw new Error(`order ${event.data.orderId} was delivered to customer ${event.data.customerId}, unknown to accounts`);
    const announced = { at: new Date(event.data.deliveredAt), orderId: event.data.orderId };
    const keep = earlierPurchase(customer.firstPurchase, announced);
    if (keep === customer.firstPurchase) return;
    // A conditional write: a concurrent earlier delivery wins, and a replay changes nothing.
    await this.store.model.updateOne({ _id: customer._id, $or: [{ firstPurchase: null }, { 'firstPurchase.at': { $gt: keep.at } }] }, { $set: { firstPurchase: keep } });
  }

  /** Figures for a batch of (consultant or department, period): one aggregation with a facet per kind, period and reach. */
  async figures(caller: Caller, keys: readonly AcquisitionKey[]): Promise<(AcquisitionFigures | null)[]> {
    const reaches = keys.map((key) => staffFigureReach(caller, key));
    const groups = new Map<string, { key: AcquisitionKey; reach: Exclude<StaffFigureReach, null>; ids: Set<string> }>();
    keys.forEach((key, i) => {
      const reach = reaches[i];
      if (reach === null) return;
      const name = groupName(key, reach);
      const group = groups.get(name) ?? { key, reach, ids: new Set<string>() };
      group.ids.add(key.id);
      groups.set(name, group);
    });
    if (groups.size === 0) return keys.map(() => null);
    const facetNames = new Map([...groups.keys()].map((name, i) => [name, `f${i}`]));
    const facets: Record<string, PipelineStage.FacetPipelineStage[]> = {};
    for (const [name, { key, reach, ids }] of groups) {
      const field = ownerFieldOf[key.kind];
      facets[facetNames.get(name)!] = [
        { $match: { [field]: { $in: [...ids] }, createdAt: { $gte: key.period.from, $lt: key.period.to }, ...reachCondition(reach) } },
        { $group: { _id: `$${field}`, newCustomers: { $sum: 1 }, converted: { $sum: { $cond: [{ $ifNull: ['$firstPurchase.at', false] }, 1, 0] } } } },
      ];
    }
    const [result] = await this.store.model.aggregate<Record<string, { _id: string; newCustomers: number; converted: number }[]>>([
      { $match: { mergedInto: null, createdAt: { $gte: minFrom(keys), $lt: maxTo(keys) } } },
      { $facet: facets },
    ]);
    const found = new Map<string, { newCustomers: number; converted: number }>();
    for (const [name, facet] of facetNames) for (const row of result?.[facet] ?? []) found.set(`${name}|${row._id}`, row);
    return keys.map((key, i) => {
      const reach = reaches[i];
      if (reach === null) return null;
      const row = found.get(`${groupName(key, reach)}|${key.id}`);
      return acquisitionFigures(row?.newCustomers ?? 0, row?.converted ?? 0);
    });
  }
}

const groupName = (key: AcquisitionKey, reach: Exclude<StaffFigureReach, null>) => JSON.stringify([key.kind, key.period.label, reach === 'ALL' ? null : reach.departmentId]);
const minFrom = (keys: readonly AcquisitionKey[]) => new Date(Math.min(...keys.map((k) => k.period.from.getTime())));
const maxTo = (keys: readonly AcquisitionKey[]) => new Date(Math.max(...keys.map((k) => k.period.to.getTime())));
