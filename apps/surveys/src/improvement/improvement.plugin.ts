import { actorRef, env, mutationPayload, requireCaller, requiredActorRef } from '@crm/kernel';
import { z } from 'zod';
import { definePlugin } from '../define-plugin';
import { surveyResponsesToken } from '../survey-responses/survey-responses.plugin';
import { defaultFallingScore, isOverdue } from './improvement-rules';
import { proposalModel } from './proposal.model';
import { ProposalsService } from './proposals.service';

/** Improvement proposals from falling item scores (a scheduled detection) or by hand, worked to done with a verification note. */
export const improvementPlugin = definePlugin({
  name: 'improvement',
  uses: [surveyResponsesToken],
  sdl: ['improvement.graphql'],
  config: z.object({
    SURVEYS_FINDINGS_INTERVAL_MS: env.positiveInt(6 * 3600_000).describe('How often falling item scores are looked for.'),
    SURVEYS_PROPOSAL_DUE_DAYS: env.positiveInt(30).describe('Days a detected improvement proposal has until it is due.'),
    SURVEYS_FALLING_MIN_ANSWERS: env.positiveInt(defaultFallingScore.minAnswers).describe('Answers an item needs in each month before its falling score is a finding.'),
  }),
  register({ connection, clock, config, use }) {
    const Proposal = proposalModel(connection);
    const proposals = new ProposalsService(Proposal, use(surveyResponsesToken).model, clock, {
      ...defaultFallingScore,
      minAnswers: config.SURVEYS_FALLING_MIN_ANSWERS,
      dueDays: config.SURVEYS_PROPOSAL_DUE_DAYS,
    });
    return {
      resolvers: {
        Query: {
          improvementProposals: (_, args, ctx) => proposals.list(requireCaller(ctx), args),
          improvementProposal: (_, { id }, ctx) => proposals.byId(requireCaller(ctx), id),
        },
        Mutation: {
          proposeImprovement: (_, { input }, ctx) => mutationPayload('improvementProposal', () => proposals.propose(requireCaller(ctx), input)),
          startImprovementProposal: (_, { input }, ctx) => mutationPayload('improvementProposal', () => proposals.start(requireCaller(ctx), input)),
          completeImprovementProposal: (_, { input }, ctx) => mutationPayload('improvementProposal', () => proposals.complete(requireCaller(ctx), input)),
        },
        ImprovementProposal: {
          __resolveReference: (ref, ctx) => proposals.byId(requireCaller(ctx), String(ref.id)),
          id: (p) => String(p._id),
          overdue: (p) => isOverdue(p.state, p.dueAt, clock.now()),
          createdBy: (p) => requiredActorRef(p.createdBy),
          startedBy: (p) => actorRef(p.startedBy),
          completedBy: (p) => actorRef(p.completedBy),
        },
      },
      models: [Proposal],
      jobs: [{ name: 'falling-score-findings', intervalMs: config.SURVEYS_FINDINGS_INTERVAL_MS, run: async () => void (await proposals.detectFallingScores()) }],
      // The first detection right at start, so a restart does not wait a whole interval.
      onStart: async () => void (await proposals.detectFallingScores()),
    };
  },
});
