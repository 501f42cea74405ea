import { isPartner } from '@crm/auth';
import { mutationPayload, requiredActorRef, requireCaller } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import { dayNumber } from '../money/calendar-day';
import { money } from '../money/money';
import type { AllocationView, InvoiceView, LedgerRecord } from './ledger.model';
import { outstandingOf, openInvoicesOldestFirst } from './ledger-rules';
import type { ReceivablesLoaders } from './receivables.loaders';
import type { ReceivablesService } from './receivables.service';

export const receivablesId = (customerId: string): string => `${customerId}:receivables`;

export function receivablesResolvers(receivables: ReceivablesService, loaders: ReceivablesLoaders): Resolvers {
  const invoicesOf = (ledger: LedgerRecord): InvoiceView[] => ledger.invoices.map((invoice) => ({ ...invoice, customerId: ledger._id, currency: ledger.currency }));
  const daysOverdue = (invoice: InvoiceView): number => (outstandingOf(invoice) <= 0 ? 0 : Math.max(0, dayNumber(receivables.today()) - invoice.dueDayNumber));
  return {
    Query: {
      receivables: (_, { customerId }, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableLedgerByCustomer).load(customerId)),
      ageing: (_, { asOf, currency }, ctx) => receivables.ageing(requireCaller(ctx), asOf, currency ?? 'CNY'),
      overdueCollections: (_, { asOf, currency, first }, ctx) => receivables.overdueCollections(requireCaller(ctx), asOf, currency ?? 'CNY', first ?? 50),
    },
    Mutation: {
      recordPayment: async (_, { input }, ctx) => {
        const payload = await mutationPayload('payment', () => receivables.recordPayment(requireCaller(ctx), input));
        return { payment: payload.payment?.payment ?? null, receivables: payload.payment?.ledger ?? null, userErrors: payload.userErrors };
      },
      recordDunningReminder: (_, { input }, ctx) => mutationPayload('invoice', () => receivables.recordReminder(requireCaller(ctx), input)),
    },
    Customer: {
      receivables: (customer, _, ctx) => (isPartner(requireCaller(ctx)) ? null : ctx.loaders.get(loaders.readableLedgerByCustomer).load(customer.id)),
    },
    CustomerReceivables: {
      id: (ledger) => receivablesId(ledger._id),
      customer: (ledger) => ({ id: ledger._id }),
      customerId: (ledger) => ledger._id,
      outstanding: (ledger) => money(ledger.outstandingMinor, ledger.currency),
      overdue: (ledger) => money(invoicesOf(ledger).filter((invoice) => daysOverdue(invoice) > 0).reduce((sum, invoice) => sum + outstandingOf(invoice), 0), ledger.currency),
      creditHeld: (ledger) => money(ledger.creditMinor, ledger.currency),
      invoices: (ledger, { openOnly }) => {
        const invoices = invoicesOf(ledger);
        const open = new Set(openInvoicesOldestFirst(invoices).map((invoice) => invoice.id));
        return [...invoices].filter((invoice) => !openOnly || open.has(invoice.id)).sort((a, b) => a.dueDayNumber - b.dueDayNumber || a.issuedAt.getTime() - b.issuedAt.getTime());
      },
      payments: (ledger) => ledger.payments.map((payment) => ({ ...payment, customerId: ledger._id, currency: ledger.currency })),
    },
    Invoice: {
      __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableInvoiceById).load(String(ref.id))),
      customer: (invoice) => ({ id: invoice.customerId }),
      consultant: (invoice) => ({ id: invoice.consultantId }),
      amount: (invoice) => money(invoice.amountMinor, invoice.currency),
      paid: (invoice) => money(invoice.paidMinor, invoice.currency),
      outstanding: (invoice) => money(outstandingOf(invoice), invoice.currency),
      daysOverdue: (invoice) => daysOverdue(invoice),
      allocations: (invoice): AllocationView[] => invoice.allocations.map((a) => ({ invoiceId: invoice.id, paymentId: a.paymentId, amountMinor: a.amountMinor, at: a.at, currency: invoice.currency })),
    },
    Payment: {
      amount: (payment) => money(payment.amountMinor, payment.currency),
      recordedBy: (payment) => requiredActorRef(payment.recordedBy),
      heldAsCredit: (payment) => money(payment.heldAsCreditMinor, payment.currency),
      allocations: (payment): AllocationView[] => payment.allocations.map((a) => ({ invoiceId: a.invoiceId, paymentId: payment.id, amountMinor: a.amountMinor, at: payment.receivedAt, currency: payment.currency })),
    },
    PaymentAllocation: {
      invoice: (allocation, _, ctx) => ctx.loaders.get(loaders.readableInvoiceById).load(allocation.invoiceId),
      amount: (allocation) => money(allocation.amountMinor, allocation.currency),
    },
    AgeingReport: {
      total: (report) => money(report.totalMinor, report.currency),
      buckets: (report) => report.buckets.map((bucket) => ({ ...bucket, currency: report.currency })),
    },
    AgeingBucketTotal: {
      bucket: (bucket) => bucket.bucket as never,
      amount: (bucket) => money(bucket.amountMinor, bucket.currency),
    },
    OverdueCollectionItem: {
      customer: (item) => ({ id: item.invoice.customerId }),
      outstanding: (item) => money(outstandingOf(item.invoice), item.invoice.currency),
      dunningLevel: (item) => item.invoice.dunningLevel,
      lastReminderAt: (item) => item.invoice.lastReminderAt,
    },
  };
}
