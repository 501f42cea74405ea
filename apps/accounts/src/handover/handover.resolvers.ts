import { requireCaller } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import type { HandoverService } from './handover.service';

export function handoverResolvers(handover: HandoverService): Resolvers {
  return {
    Mutation: {
      handOverCustomers: (_, args, ctx) => handover.handOver(requireCaller(ctx), args),
      deactivateConsultant: (_, { id }, ctx) => handover.deactivate(requireCaller(ctx), id),
    },
  };
}
