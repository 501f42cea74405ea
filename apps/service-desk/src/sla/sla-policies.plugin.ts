import { mutationPayload, pluginToken, requiredActorRef, requireCaller } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { SlaPolicyService } from './sla-policies.service';
import { slaPolicyModel } from './sla-policy.model';

export const slaPoliciesToken = pluginToken<SlaPolicyService>('service-desk.sla-policies');

/** Versioned SLA policies: first-response and resolution targets by severity × customer importance. */
export const slaPoliciesPlugin = definePlugin({
  name: 'sla-policies',
  provides: [slaPoliciesToken],
  sdl: ['sla-policies.graphql'],
  register({ connection, clock, provide }) {
    const Policy = slaPolicyModel(connection);
    const policies = new SlaPolicyService(Policy, clock);
    provide(slaPoliciesToken, policies);
    const resolvers: Resolvers = {
      Query: {
        slaPolicies: (_, __, ctx) => policies.list(requireCaller(ctx)),
        slaPolicyInEffect: async (_, { at }, ctx) => {
          await policies.list(requireCaller(ctx));
          return policies.inEffectAt(at ? new Date(at) : clock.now());
        },
      },
      Mutation: {
        publishSlaPolicy: (_, { input }, ctx) => mutationPayload('slaPolicy', () => policies.publish(requireCaller(ctx), input)),
      },
      SlaPolicy: {
        id: (policy) => String(policy._id),
        createdBy: (policy) => requiredActorRef(policy.createdBy),
      },
    };
    return { resolvers: resolvers, models: [Policy], onStart: () => policies.ensureDefault() };
  },
});
