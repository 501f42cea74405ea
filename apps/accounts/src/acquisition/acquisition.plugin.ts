import { orderDeliveredV1 } from '@crm/contracts';
import { defineLoader, requireCaller } from '@crm/kernel';
import { parseReportPeriod, workingCalendarToken } from '@crm/working-calendar';
import { customersToken } from '../customers/customers.plugin';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { acquisitionSchemaPart } from './acquisition.model';
import type { AcquisitionFigures } from './acquisition-rules';
import { AcquisitionService } from './acquisition.service';

type Kind = 'CONSULTANT' | 'DEPARTMENT';

/** New customers developed and conversion per consultant and department; first purchases from credit's deliveries. */
export const acquisitionPlugin = definePlugin({
  name: 'acquisition',
  uses: [customersToken, workingCalendarToken],
  sdl: ['acquisition.graphql'],
  register({ use }) {
    const module = use(customersToken);
    module.schema.extend(acquisitionSchemaPart);
    const calendar = use(workingCalendarToken);
    const acquisition = new AcquisitionService(module.store);
    const timeZone = () => calendar.current().config.timeZone;
    const loader = defineLoader<string, AcquisitionFigures | null>('acquisitionFigures', (keys, { caller }) => {
      const parsed = keys.map((raw) => {
        const [kind, id, label] = JSON.parse(raw) as [Kind, string, string];
        return { kind, id, period: parseReportPeriod(label, timeZone()) };
      });
      return caller ? acquisition.figures(caller, parsed) : Promise.resolve(parsed.map(() => null));
    });
    const figure = async (kind: Kind, id: string, period: string, ctx: Parameters<typeof requireCaller>[0]) => {
      requireCaller(ctx);
      const { label } = parseReportPeriod(period, timeZone(), 'period');
      return ctx.loaders.get(loader).load(JSON.stringify([kind, id, label]));
    };
    const fields = (kind: Kind) => ({
      newCustomers: async (parent: { _id: string }, { period }: { period: string }, ctx: Parameters<typeof requireCaller>[0]) => (await figure(kind, parent._id, period, ctx))?.newCustomers ?? null,
      convertedCustomers: async (parent: { _id: string }, { period }: { period: string }, ctx: Parameters<typeof requireCaller>[0]) => (await figure(kind, parent._id, period, ctx))?.convertedCustomers ?? null,
      conversionRate: async (parent: { _id: string }, { period }: { period: string }, ctx: Parameters<typeof requireCaller>[0]) => (await figure(kind, parent._id, period, ctx))?.conversionRate ?? null,
    });
    const resolvers: Resolvers = { Consultant: fields('CONSULTANT'), Department: fields('DEPARTMENT') };
    return {
      resolvers,
      loaders: [loader],
      eventHandlers: [{ contract: orderDeliveredV1, durable: 'accounts-acquisition-order-delivered', handle: (event) => acquisition.recordDelivery(event) }],
    };
  },
});
