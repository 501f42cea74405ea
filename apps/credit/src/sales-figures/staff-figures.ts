import { staffFigureReach, type Caller } from '@crm/auth';
import { defineLoader } from '@crm/kernel';
import type { Model, PipelineStage } from 'mongoose';
import type { OrderRecord } from '../orders/order.model';
import type { ReportPeriod } from '@crm/working-calendar';
import type { LedgerRecord } from '../receivables/ledger.model';

/**
 * Sales vs collections per consultant and per department (docs/domain/credit.md), contributed to accounts'
 * `Consultant` and `Department`. Sales are delivered orders by delivery time; collections the money allocated to
 * the invoices of the consultant (department) by the time it met them; outstanding what their open invoices owe.
 * A list of 50 consultants costs one aggregation of the orders and one of the ledgers, whatever the periods asked.
 */
export type StaffKind = 'CONSULTANT' | 'DEPARTMENT';
export type StaffMeasure = 'SALES' | 'COLLECTIONS' | 'OUTSTANDING';

export interface StaffFigureKey {
  kind: StaffKind;
  id: string;
  measure: StaffMeasure;
  currency: string;
  /** Null for OUTSTANDING (a balance now, not a flow over a period). */
  period: ReportPeriod | null;
}

/**
 * Whose figures the caller reads, as a condition on the records: the platform's KPI rule (`staffFigureReach`), with
 * finance reading everyone's money figures. Null: not readable.
 */
export function staffFiguresScope(caller: Caller, kind: StaffKind, id: string): Record<string, string> | null {
  const reach = staffFigureReach(caller, { kind, id }, ['finance']);
  if (reach === null) return null;
  return reach === 'ALL' ? {} : { departmentId: reach.departmentId };
}

export const staffFigureKey = (key: StaffFigureKey): string => JSON.stringify([key.kind, key.id, key.measure, key.currency, key.period?.label ?? null, key.period?.from.toISOString() ?? null, key.period?.to.toISOString() ?? null]);

function parseKey(raw: string): StaffFigureKey {
  const [kind, id, measure, currency, label, from, to] = JSON.parse(raw) as [StaffKind, string, StaffMeasure, string, string | null, string | null, string | null];
  return { kind, id, measure, currency, period: label ? { label, from: new Date(from!), to: new Date(to!) } : null };
}

const fieldOf = (kind: StaffKind) => (kind === 'CONSULTANT' ? 'consultantId' : 'departmentId');

/** One loader for the three measures: keys are grouped into facets, one aggregation per collection per batch. */
export function staffFiguresLoader(orders: Model<OrderRecord>, ledgers: Model<LedgerRecord>) {
  return defineLoader<string, number | null>('staffFiguresByKey', async (rawKeys, { caller }) => {
    if (!caller) return rawKeys.map(() => null);
    const keys = rawKeys.map(parseKey);
    const scopes = keys.map((key) => staffFiguresScope(caller, key.kind, key.id));
    // One facet per (measure, kind, currency, period): its ids, and the caller's condition (the same for a kind).
    const groups = new Map<string, { measure: StaffMeasure; kind: StaffKind; currency: string; period: ReportPeriod | null; ids: Set<string>; scope: Record<string, string> }>();
    keys.forEach((key, i) => {
      const scope = scopes[i];
      if (!scope) return;
      const name = JSON.stringify([key.measure, key.kind, key.currency, key.period?.from.toISOString() ?? null, key.period?.to.toISOString() ?? null]);
      const group = groups.get(name) ?? { measure: key.measure, kind: key.kind, currency: key.currency, period: key.period, ids: new Set<string>(), scope };
      group.ids.add(key.id);
      groups.set(name, group);
    });
    const facetNames = new Map([...groups.keys()].map((name, i) => [name, `f${i}`]));
    const orderFacets: Record<string, PipelineStage.FacetPipelineStage[]> = {};
    const ledgerFacets: Record<string, PipelineStage.FacetPipelineStage[]> = {};
    for (const [name, group] of groups) {
      const field = fieldOf(group.kind);
      const ids = [...group.ids];
      const facet = facetNames.get(name)!;
      if (group.measure === 'SALES') {
        orderFacets[facet] = [
          { $match: { currency: group.currency, [field]: { $in: ids }, deliveredAt: { $gte: group.period!.from, $lt: group.period!.to }, ...group.scope } },
          { $group: { _id: `$${field}`, total: { $sum: '$amountMinor' } } },
        ];
      } else {
        const invoiceScope = Object.fromEntries(Object.entries(group.scope).map(([k, v]) => [`invoices.${k}`, v]));
        const base: PipelineStage.FacetPipelineStage[] = [{ $match: { currency: group.currency } }, { $unwind: '$invoices' }, { $match: { [`invoices.${field}`]: { $in: ids }, ...invoiceScope } }];
        ledgerFacets[facet] =
          group.measure === 'OUTSTANDING'
            ? [...base, { $group: { _id: `$invoices.${field}`, total: { $sum: { $subtract: ['$invoices.amountMinor', '$invoices.paidMinor'] } } } }]
            : [
                ...base,
                { $unwind: '$invoices.allocations' },
                { $match: { 'invoices.allocations.at': { $gte: group.period!.from, $lt: group.period!.to } } },
                { $group: { _id: `$invoices.${field}`, total: { $sum: '$invoices.allocations.amountMinor' } } },
              ];
      }
    }
    type FacetRows = Record<string, { _id: string; total: number }[]>;
    const [orderRows, ledgerRows] = await Promise.all([
      Object.keys(orderFacets).length > 0 ? orders.aggregate<FacetRows>([{ $match: { status: 'DELIVERED' } }, { $facet: orderFacets }]) : Promise.resolve([{} as FacetRows]),
      Object.keys(ledgerFacets).length > 0 ? ledgers.aggregate<FacetRows>([{ $facet: ledgerFacets }]) : Promise.resolve([{} as FacetRows]),
    ]);
    const totals = { ...(orderRows[0] ?? {}), ...(ledgerRows[0] ?? {}) };
    return keys.map((key, i) => {
      if (!scopes[i]) return null;
      const name = JSON.stringify([key.measure, key.kind, key.currency, key.period?.from.toISOString() ?? null, key.period?.to.toISOString() ?? null]);
      return totals[facetNames.get(name)!]?.find((row) => row._id === key.id)?.total ?? 0;
    });
  });
}

/** A Consultant or Department as credit knows it: only the key; accounts owns everything else. */
export interface StaffReference {
  id: string;
}
