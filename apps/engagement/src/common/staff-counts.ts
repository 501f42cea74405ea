import type { Model, PipelineStage } from 'mongoose';

/** How many of a staff member's records are about one customer, and how many of those were late (minutes). */
export interface StaffCustomerCount {
  staffId: string;
  customerId: string;
  count: number;
  late: number;
}

/**
 * Count the matching records per (staff member, customer) in the database, so activity figures never load the records
 * themselves; `late` is an aggregation condition counted separately (null: none are late).
 */
export async function countByStaffAndCustomer(model: Model<never>, match: Record<string, unknown>, late: unknown = null): Promise<StaffCustomerCount[]> {
  const pipeline: PipelineStage[] = [
    { $match: match },
    { $group: { _id: { staffId: '$staffId', customerId: '$customerId' }, count: { $sum: 1 }, late: { $sum: late === null ? 0 : { $cond: [late, 1, 0] } } } },
  ];
  const rows = await model.aggregate<{ _id: { staffId: string; customerId: string }; count: number; late: number }>(pipeline);
  return rows.map((row) => ({ staffId: row._id.staffId, customerId: row._id.customerId, count: row.count, late: row.late }));
}
