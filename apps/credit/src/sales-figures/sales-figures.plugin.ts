import { requireCaller, type RequestContext } from '@crm/kernel';
import { workingCalendarToken } from '@crm/working-calendar';
import { definePlugin } from '../define-plugin';
import { money } from '../money/money';
import { parseReportPeriod as parsePeriod } from '@crm/working-calendar';
import { ordersToken } from '../orders/orders.plugin';
import { receivablesToken } from '../receivables/receivables.plugin';
import { staffFigureKey, staffFiguresLoader, type StaffKind, type StaffMeasure } from './staff-figures';

/** Sales vs collections per consultant and department, on accounts' Consultant and Department. */
export const salesFiguresPlugin = definePlugin({
  name: 'sales-figures',
  uses: [ordersToken, receivablesToken, workingCalendarToken],
  sdl: ['sales-figures.graphql'],
  register({ use }) {
    const calendar = use(workingCalendarToken);
    const figures = staffFiguresLoader(use(ordersToken).orders, use(receivablesToken).ledgers);
    const figure = async (kind: StaffKind, id: string, measure: StaffMeasure, args: { period?: string; currency?: string | null }, ctx: RequestContext) => {
      requireCaller(ctx);
      const currency = args.currency ?? 'CNY';
      const period = args.period === undefined ? null : parsePeriod(args.period, calendar.current().timeZone);
      const total = await ctx.loaders.get(figures).load(staffFigureKey({ kind, id, measure, currency, period }));
      return total === null ? null : money(total, currency);
    };
    return {
      resolvers: {
        Consultant: {
          __resolveReference: (ref) => ({ id: String(ref.id) }),
          sales: (c, args, ctx) => figure('CONSULTANT', c.id, 'SALES', args, ctx),
          collections: (c, args, ctx) => figure('CONSULTANT', c.id, 'COLLECTIONS', args, ctx),
          outstanding: (c, args, ctx) => figure('CONSULTANT', c.id, 'OUTSTANDING', args, ctx),
        },
        Department: {
          __resolveReference: (ref) => ({ id: String(ref.id) }),
          sales: (d, args, ctx) => figure('DEPARTMENT', d.id, 'SALES', args, ctx),
          collections: (d, args, ctx) => figure('DEPARTMENT', d.id, 'COLLECTIONS', args, ctx),
          outstanding: (d, args, ctx) => figure('DEPARTMENT', d.id, 'OUTSTANDING', args, ctx),
        },
      },
      loaders: [figures],
    };
  },
});
