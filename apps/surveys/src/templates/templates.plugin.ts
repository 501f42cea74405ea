import { defineLoader, type LoaderFactory, pluginToken, requireCaller, actorRef, requiredActorRef, mutationPayload, NotFoundError } from '@crm/kernel';
import { definePlugin } from '../define-plugin';
import type { Resolvers } from '../generated/graphql';
import { mayReadTemplates } from './template-rules';
import { templateVersionModel, type TemplateVersionRecord } from './template.model';
import { TemplatesService } from './templates.service';
import { ForbiddenError } from '@crm/kernel';
import type { Caller } from '@crm/auth';

/** The templates service and the loader of a version by `TEMPLATE:version`, for the plugins that read versions back. */
export interface TemplatesModule {
  templates: TemplatesService;
  versionByKey: LoaderFactory<string, TemplateVersionRecord | null>;
}

export const templatesToken = pluginToken<TemplatesModule>('surveys.templates');

/** The loader key of a template version. */
export const versionKey = (template: string, version: number) => `${template}:${version}`;

/** A version by `TEMPLATE:version` (what a response and a request keep), one query per request's batch. */
export const templateVersionByKeyLoader = (templates: TemplatesService) =>
  defineLoader<string, TemplateVersionRecord | null>('templateVersionByKey', (keys) => templates.byTemplateVersions(keys));

const readable = (caller: Caller) => {
  if (!mayReadTemplates(caller)) throw new ForbiddenError('Partners have no access to surveys');
  return caller;
};

/** Questionnaires as versioned data (draft → published → retired), seeded with the three version-1 templates. */
export const templatesPlugin = definePlugin({
  name: 'templates',
  provides: [templatesToken],
  sdl: ['templates.graphql'],
  register({ connection, clock, provide }) {
    const Version = templateVersionModel(connection);
    const templates = new TemplatesService(Version, clock);
    const byKey = templateVersionByKeyLoader(templates);
    provide(templatesToken, { templates, versionByKey: byKey });
    const byId = defineLoader<string, TemplateVersionRecord>('templateVersionById', async (ids) => {
      const rows = await templates.findByIds(ids);
      return ids.map((id) => rows.find((row) => String(row._id) === id) ?? new NotFoundError('SurveyTemplateVersion', id));
    });
    const currentByTemplate = defineLoader<string, number | null>('currentTemplateVersionNumber', (names) =>
      Promise.all(names.map(async (name) => (await templates.current(name as TemplateVersionRecord['template']))?.version ?? null)),
    );
    const resolvers: Resolvers = {
      Query: {
        surveyTemplateVersions: (_, { template }, ctx) => templates.list(requireCaller(ctx), template),
        surveyTemplateVersion: (_, { id }, ctx) => (readable(requireCaller(ctx)), ctx.loaders.get(byId).load(id)),
        currentSurveyTemplateVersion: (_, { template }, ctx) => (readable(requireCaller(ctx)), templates.current(template)),
      },
      Mutation: {
        draftSurveyTemplateVersion: (_, { input }, ctx) => mutationPayload('surveyTemplateVersion', () => templates.draft(requireCaller(ctx), input)),
        editSurveyTemplateVersion: (_, { input }, ctx) => mutationPayload('surveyTemplateVersion', () => templates.edit(requireCaller(ctx), input)),
        publishSurveyTemplateVersion: (_, { input }, ctx) => mutationPayload('surveyTemplateVersion', () => templates.publish(requireCaller(ctx), input)),
        retireSurveyTemplateVersion: (_, { input }, ctx) => mutationPayload('surveyTemplateVersion', () => templates.retire(requireCaller(ctx), input)),
      },
      SurveyTemplateVersion: {
        __resolveReference: (ref, ctx) => (readable(requireCaller(ctx)), ctx.loaders.get(byId).load(String(ref.id))),
        id: (v) => String(v._id),
        createdBy: (v) => requiredActorRef(v.createdBy),
        publishedBy: (v) => actorRef(v.publishedBy),
        retiredBy: (v) => actorRef(v.retiredBy),
        current: async (v, _, ctx) => v.state === 'PUBLISHED' && (await ctx.loaders.get(currentByTemplate).load(v.template)) === v.version,
      },
    };
    return { resolvers, models: [Version], loaders: [byKey, byId, currentByTemplate], onStart: () => templates.ensureSeeded() };
  },
});
