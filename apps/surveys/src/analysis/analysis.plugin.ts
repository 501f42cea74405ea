import { requireCaller, defineLoader } from '@crm/kernel';
import { customerScopeToken } from '@crm/customer-scope';
import { definePlugin } from '../define-plugin';
import { surveyResponsesToken } from '../survey-responses/survey-responses.plugin';
import { mayReadConsultantSatisfaction, mayReadDepartmentSatisfaction } from './analysis-access';
import { parsePeriod, type Period } from './analysis-rules';
import { AnalysisService, satisfactionFigures, type SatisfactionFigure } from './analysis.service';

const loaderOf = (name: string, path: 'attribution.consultantId' | 'attribution.departmentId', responses: () => Parameters<typeof satisfactionFigures>[0]) =>
  defineLoader<string, SatisfactionFigure>(name, (keys) =>
    satisfactionFigures(
      responses(),
      path,
      keys.map((key) => {
        const [id, label] = key.split('\u0000');
        return { id, period: parsePeriod(label) };
      }),
    ),
  );

/** Satisfaction analysis on every axis, and the consultants' and departments' satisfaction KPIs (batched). */
export const analysisPlugin = definePlugin({
  name: 'analysis',
  uses: [surveyResponsesToken, customerScopeToken],
  sdl: ['analysis.graphql'],
  register({ clock, use }) {
    const responses = use(surveyResponsesToken);
    const analysis = new AnalysisService(responses.model, 'survey_requests', use(customerScopeToken), clock);
    const byConsultant = loaderOf('consultantSatisfaction', 'attribution.consultantId', () => responses.model);
    const byDepartment = loaderOf('departmentSatisfaction', 'attribution.departmentId', () => responses.model);
    const period = (label: string): Period => parsePeriod(label, 'period');
    return {
      resolvers: {
        Query: {
          surveyAnalysis: (_, { input }, ctx) => analysis.analyse(requireCaller(ctx), input),
        },
        Consultant: {
          __resolveReference: (ref) => ({ id: String(ref.id) }),
          satisfaction: (consultant, args, ctx) => {
            if (!mayReadConsultantSatisfaction(requireCaller(ctx), String(consultant.id))) return null;
            return ctx.loaders.get(byConsultant).load(`${String(consultant.id)}\u0000${period(args.period).label}`);
          },
        },
        Department: {
          __resolveReference: (ref) => ({ id: String(ref.id) }),
          satisfaction: (department, args, ctx) => {
            if (!mayReadDepartmentSatisfaction(requireCaller(ctx), String(department.id))) return null;
            return ctx.loaders.get(byDepartment).load(`${String(department.id)}\u0000${period(args.period).label}`);
          },
        },
      },
      loaders: [byConsultant, byDepartment],
    };
  },
});
