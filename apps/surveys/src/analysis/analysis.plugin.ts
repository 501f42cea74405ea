import { requireCaller, defineLoader } from '@crm/kernel';
import { customerScopeToken } from '@crm/customer-scope';
import { definePlugin } from '../define-plugin';
import { surveyResponsesToken } from '../survey-responses/survey-responses.plugin';
import { satisfactionReach } from './analysis-access';
import { workingCalendarToken } from '@crm/working-calendar';
import { parsePeriod, type Period } from './analysis-rules';
import { AnalysisService, satisfactionFigures, type SatisfactionFigure } from './analysis.service';

const loaderOf = (name: string, kind: 'CONSULTANT' | 'DEPARTMENT', responses: () => Parameters<typeof satisfactionFigures>[0], timeZone: () => string) =>
  defineLoader<string, SatisfactionFigure | null>(name, (keys, { caller }) =>
    satisfactionFigures(
      responses(),
      kind === 'CONSULTANT' ? 'attribution.consultantId' : 'attribution.departmentId',
      keys.map((key) => {
        const [id, label] = key.split('\u0000');
        return { id, period: parsePeriod(label, timeZone()), reach: caller ? satisfactionReach(caller, { kind, id }) : null };
      }),
    ),
  );

/** Satisfaction analysis on every axis, and the consultants' and departments' satisfaction KPIs (batched). */
export const analysisPlugin = definePlugin({
  name: 'analysis',
  uses: [surveyResponsesToken, customerScopeToken, workingCalendarToken],
  sdl: ['analysis.graphql'],
  register({ clock, use }) {
    const responses = use(surveyResponsesToken);
    const calendar = use(workingCalendarToken);
    const timeZone = () => calendar.current().config.timeZone;
    const analysis = new AnalysisService(responses.model, 'survey_requests', use(customerScopeToken), clock, timeZone);
    const byConsultant = loaderOf('consultantSatisfaction', 'CONSULTANT', () => responses.model, timeZone);
    const byDepartment = loaderOf('departmentSatisfaction', 'DEPARTMENT', () => responses.model, timeZone);
    const period = (label: string): Period => parsePeriod(label, timeZone(), 'period');
    return {
      resolvers: {
        Query: {
          surveyAnalysis: (_, { input }, ctx) => analysis.analyse(requireCaller(ctx), input),
        },
        Consultant: {
          __resolveReference: (ref) => ({ id: String(ref.id) }),
          satisfaction: (consultant, args, ctx) => {
            requireCaller(ctx);
            return ctx.loaders.get(byConsultant).load(`${String(consultant.id)}\u0000${period(args.period).label}`);
          },
        },
        Department: {
          __resolveReference: (ref) => ({ id: String(ref.id) }),
          satisfaction: (department, args, ctx) => {
            requireCaller(ctx);
            return ctx.loaders.get(byDepartment).load(`${String(department.id)}\u0000${period(args.period).label}`);
          },
        },
      },
      loaders: [byConsultant, byDepartment],
    };
  },
});
