import { customerScopeToken } from '@crm/customer-scope';
import { pluginToken } from '@crm/kernel';
import { z } from 'zod';
import { creditProfilesToken } from '../credit-profiles/credit-profiles.plugin';
import { customerFactsToken } from '../customer-facts/customer-facts';
import { definePlugin } from '../define-plugin';
import { receivablesToken } from '../receivables/receivables.plugin';
import { orderModel } from './order.model';
import { ordersLoaders } from './orders.loaders';
import { ordersResolvers } from './orders.resolvers';
import { OrdersService } from './orders.service';

/** The orders, for the figures, the composition and the ABC run. */
export const ordersToken = pluginToken<OrdersService>('credit.orders');

/** Orders with the credit check at entry, credit decisions and delivery (docs/domain/credit.md). */
export const ordersPlugin = definePlugin({
  name: 'orders',
  uses: [customerScopeToken, customerFactsToken, creditProfilesToken, receivablesToken],
  provides: [ordersToken],
  sdl: ['orders.graphql'],
  config: z.object({
    CREDIT_HOLD_OVERDUE_DAYS: z.coerce.number().int().min(0).max(3650).default(30).describe('An invoice overdue more than this many days holds every new order of the customer (the oldest-open-item check).'),
  }),
  register({ connection, clock, config, use, provide }) {
    const scopes = use(customerScopeToken);
    const Order = orderModel(connection);
    const orders = new OrdersService(Order, clock, scopes, use(customerFactsToken), use(creditProfilesToken), use(receivablesToken), { holdOverdueDays: config.CREDIT_HOLD_OVERDUE_DAYS });
    provide(ordersToken, orders);
    const loaders = ordersLoaders(orders, { scopes, clock });
    return { resolvers: ordersResolvers(orders, loaders), models: [Order], loaders: Object.values(loaders) };
  },
});
