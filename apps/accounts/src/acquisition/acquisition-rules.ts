import type { StaffFigureReach, StaffFigureSubject } from '@crm/auth';

/** New customers developed in a period and how many of them have bought since (the cohort's conversion). */
export interface AcquisitionFigures {
  newCustomers: number;
  convertedCustomers: number;
  /** convertedCustomers ÷ newCustomers, 4 decimals; null without new customers. */
  conversionRate: number | null;
}

export function acquisitionFigures(newCustomers: number, convertedCustomers: number): AcquisitionFigures {
  return { newCustomers, convertedCustomers, conversionRate: newCustomers === 0 ? null : Math.round((convertedCustomers / newCustomers) * 10_000) / 10_000 };
}

/** The first purchase to keep: the earlier of the one known and the one announced (deliveries can arrive out of order). */
export function earlierPurchase<T extends { at: Date }>(known: T | null | undefined, announced: T): T {
  return known && known.at.getTime() <= announced.at.getTime() ? known : announced;
}

/** A consultant's customers are those they own; a department's those it holds. */
export const ownerFieldOf: Record<StaffFigureSubject['kind'], 'ownerId' | 'departmentId'> = { CONSULTANT: 'ownerId', DEPARTMENT: 'departmentId' };

/** The condition a reach adds to the customers counted: a department manager counts only their department's. */
export function reachCondition(reach: Exclude<StaffFigureReach, null>): Record<string, string> {
  return reach === 'ALL' ? {} : { departmentId: reach.departmentId };
}
