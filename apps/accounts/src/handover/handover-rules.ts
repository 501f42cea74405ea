import { staffOf } from '../classification/classification-rules';
import { KEY_CUSTOMER_MIN_STAFF } from '../classification/classification.model';
import type { CustomerRecord } from '../customers/customer.model';

/** The staff list after `from` hands over to `to`: `to` takes `from`'s place (once), the owner stays first. */
export function staffAfterHandover(customer: Pick<CustomerRecord, 'ownerId' | 'assignedStaffIds'>, from: string, to: string): string[] {
  const owner = customer.ownerId === from ? to : customer.ownerId;
  const others = staffOf(customer).map((id) => (id === from ? to : id));
  return [...new Set([owner, ...others])];
}

/** A KEY customer that would be left with fewer than two staff (e.g. the replacement already served it). */
export function wouldLoseKeyStaffing(customer: Pick<CustomerRecord, 'importance' | 'ownerId' | 'assignedStaffIds'>, from: string, to: string): boolean {
  return customer.importance === 'KEY' && staffAfterHandover(customer, from, to).length < KEY_CUSTOMER_MIN_STAFF;
}
