import { defineReadableCustomerKeyedLoader, defineReadableRecordLoader, type CustomerScopedLoaderDeps } from '@crm/customer-scope';
import { orderByKeys } from '@crm/data';
import type { InvoiceView, LedgerRecord } from './ledger.model';
import type { ReceivablesService } from './receivables.service';

export function receivablesLoaders(receivables: ReceivablesService, scoped: CustomerScopedLoaderDeps) {
  return {
    /** A customer's ledger, null when it has none, or the read rule's error. */
    readableLedgerByCustomer: defineReadableCustomerKeyedLoader<LedgerRecord | null>('readableLedgerByCustomer', scoped, 'CustomerReceivables', async (customerIds) =>
      orderByKeys(customerIds, await receivables.findByCustomerIds(customerIds), (ledger) => ledger._id),
    ),
    /** Invoice references and PaymentAllocation.invoice, by the read rule. */
    readableInvoiceById: defineReadableRecordLoader<InvoiceView>('readableInvoiceById', scoped, {
      entity: 'Invoice',
      fetch: (ids) => receivables.findInvoices(ids),
      idOf: (invoice) => invoice.id,
      customerIdOf: (invoice) => invoice.customerId,
      departmentIdOf: (invoice) => invoice.departmentId,
    }),
  };
}
export type ReceivablesLoaders = ReturnType<typeof receivablesLoaders>;
