import { actorRef, mutationPayload, requiredActorRef, requireCaller, selectsField } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import { money } from '../money/money';
import type { CreditCheckView } from './order.model';
import type { OrdersLoaders } from './orders.loaders';
import type { OrdersService } from './orders.service';

export function ordersResolvers(orders: OrdersService, loaders: OrdersLoaders): Resolvers {
  const orderMutation = (run: () => ReturnType<OrdersService['place']>) => mutationPayload('order', run);
  return {
    Query: {
      order: (_, { id }, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableOrderById).load(id)),
      orders: (_, { filter, first, after }, ctx, info) =>
        orders.list(requireCaller(ctx), { customerId: filter?.customerId, status: filter?.status }, { first, after, countTotal: selectsField(info, 'totalCount') }),
    },
    Mutation: {
      placeOrder: (_, { input }, ctx) => orderMutation(() => orders.place(requireCaller(ctx), input)),
      releaseOrder: (_, { input }, ctx) => orderMutation(() => orders.release(requireCaller(ctx), input)),
      rejectOrder: (_, { input }, ctx) => orderMutation(() => orders.reject(requireCaller(ctx), input)),
      recheckOrder: (_, { input }, ctx) => orderMutation(() => orders.recheck(requireCaller(ctx), input)),
      deliverOrder: (_, { input }, ctx) => orderMutation(() => orders.deliver(requireCaller(ctx), input)),
      cancelOrder: (_, { input }, ctx) => orderMutation(() => orders.cancel(requireCaller(ctx), input)),
    },
    Order: {
      __resolveReference: (ref, ctx) => (requireCaller(ctx), ctx.loaders.get(loaders.readableOrderById).load(String(ref.id))),
      id: (order) => String(order._id),
      customer: (order) => ({ id: order.customerId }),
      consultant: (order) => ({ id: order.consultantId }),
      lines: (order) => order.lines.map((line) => ({ ...line, currency: order.currency })),
      amount: (order) => money(order.amountMinor, order.currency),
      creditCheck: (order) => ({ ...order.creditCheck, currency: order.currency }),
      creditDecisions: (order) => order.decisions.map((decision) => ({ ...decision, currency: order.currency })),
      placedBy: (order) => requiredActorRef(order.placedBy),
      deliveredBy: (order) => actorRef(order.deliveredBy),
      cancelledBy: (order) => actorRef(order.cancelledBy),
    },
    OrderLine: {
      unitPrice: (line) => money(line.unitPriceMinor, line.currency),
      amount: (line) => money(line.amountMinor, line.currency),
    },
    CreditCheck: {
      creditLimit: (check) => (check.creditLimitMinor === null ? null : money(check.creditLimitMinor, check.currency)),
      openReceivables: (check) => money(check.openReceivablesMinor, check.currency),
      openOrders: (check) => money(check.openOrdersMinor, check.currency),
      exposure: (check) => money(check.exposureMinor, check.currency),
      available: (check) => (check.availableMinor === null ? null : money(check.availableMinor, check.currency)),
    },
    Invoice: {
      // receivables keeps the order's id; the order is read here, by the same read rule as order(id).
      order: (invoice, _, ctx) => ctx.loaders.get(loaders.readableOrderById).load(invoice.orderId),
    },
    CreditDecision: {
      decidedBy: (decision) => requiredActorRef(decision.by),
      check: (decision): CreditCheckView | null => (decision.check ? { ...decision.check, currency: decision.currency } : null),
    },
  };
}
