import { defineReadableRecordLoader, type CustomerScopedLoaderDeps } from '@crm/customer-scope';
import type { OrderRecord } from './order.model';
import type { OrdersService } from './orders.service';

/** order(id), Order references and Invoice.order: the read rule over one batch of ids. */
export function ordersLoaders(orders: OrdersService, scoped: CustomerScopedLoaderDeps) {
  return {
    readableOrderById: defineReadableRecordLoader<OrderRecord>('readableOrderById', scoped, {
      entity: 'Order',
      fetch: (ids) => orders.findByIds(ids),
      idOf: (order) => String(order._id),
      customerIdOf: (order) => order.customerId,
      departmentIdOf: (order) => order.departmentId,
    }),
  };
}
export type OrdersLoaders = ReturnType<typeof ordersLoaders>;
