import { mutationPayload, requireCaller } from '@crm/kernel';
import type { Resolvers } from '../generated/graphql';
import type { HandoverService } from './handover.service';

export function handoverResolvers(handover: HandoverService): Resolvers {
  return {
    Mutation: {
      handOverCustomers: (_, { input }, ctx) => mutationPayload('handover', () => handover.handOver(requireCaller(ctx), input)),
      deactivateConsultant: (_, { input }, ctx) => mutationPayload('consultant', () => handover.deactivate(requireCaller(ctx), input)),
    },
  };
}
