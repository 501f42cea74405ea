import type { Caller } from '@crm/auth';
import { ConflictError, ForbiddenError, NotFoundError, parseInput, type Clock } from '@crm/kernel';
import { Types, type Model, type UpdateQuery } from 'mongoose';
import { seedTemplateVersions, surveyTemplateNames, type SurveyQuestionRecord, type SurveyTemplateName } from '../survey-responses/survey-templates';
import { draftTemplateVersionInput, editTemplateVersionInput, templateVersionIdInput } from './template-input';
import { assertTemplateStep, currentVersion, mayManageTemplates, mayReadTemplates } from './template-rules';
import type { TemplateVersionRecord } from './template.model';

export const SEED_ACTOR = 'system:surveys-seed';

/** Questionnaires as stored, versioned data: the seed, drafts, publishing and retiring, and reading a version back. */
export class TemplatesService {
  constructor(
    private readonly versions: Model<TemplateVersionRecord>,
    private readonly clock: Clock,
  ) {}

  /** Version 1 of each template, published, written once: a second start (or a racing replica) changes nothing. */
  async ensureSeeded(): Promise<void> {
    const now = this.clock.now();
    await this.versions.bulkWrite(
      surveyTemplateNames.map((template) => ({
        updateOne: {
          filter: { template, version: 1 },
          update: {
            $setOnInsert: {
              template,
              version: 1,
              state: 'PUBLISHED',
              items: seedTemplateVersions[template],
              note: 'Seeded at first start',
              createdBy: SEED_ACTOR,
              createdAt: now,
              publishedBy: SEED_ACTOR,
              publishedAt: now,
              retiredBy: null,
              retiredAt: null,
              revision: 0,
            },
          },
          upsert: true,
        },
      })),
      { ordered: false },
    );
  }

  list(caller: Caller, template: SurveyTemplateName | null | undefined): Promise<TemplateVersionRecord[]> {
    if (!mayReadTemplates(caller)) throw new ForbiddenError('Partners have no access to surveys');
    return this.versions
      .find(template ? { template } : {})
      .sort({ template: 1, version: 1 })
      .lean<TemplateVersionRecord[]>()
      .exec();
  }

  /** The version new surveys of a template ask now; null when none is published. */
  async current(template: SurveyTemplateName): Promise<TemplateVersionRecord | null> {
    return currentVersion(await this.versions.find({ template, state: 'PUBLISHED' }).lean<TemplateVersionRecord[]>());
  }

  /** The current version, or a CONFLICT: a template with every version retired asks nothing. */
  async requireCurrent(template: SurveyTemplateName): Promise<TemplateVersionRecord> {
    const version = await this.current(template);
    if (!version) throw new ConflictError(`The ${template} template has no published version`, { template });
    return version;
  }

  /** Versions by `template:version` keys (a response's questionnaire), in key order, null when unknown. */
  async byTemplateVersions(keys: readonly string[]): Promise<(TemplateVersionRecord | null)[]> {
    const pairs = keys.map((key) => {
      const [template, version] = key.split(':');
      return { template, version: Number(version) };
    });
    const rows = pairs.length > 0 ? await this.versions.find({ $or: pairs as { template: TemplateVersionRecord['template']; version: number }[] }).lean<TemplateVersionRecord[]>() : [];
    const byKey = new Map(rows.map((row) => [`${row.template}:${row.version}`, row]));
    return keys.map((key) => byKey.get(key) ?? null);
  }

  findByIds(ids: readonly string[]): Promise<TemplateVersionRecord[]> {
    const valid = ids.filter((id) => Types.ObjectId.isValid(id) && /^[0-9a-f]{24}$/i.test(id));
    return this.versions.find({ _id: { $in: valid } }).lean<TemplateVersionRecord[]>().exec();
  }

  /** A new draft: version max + 1, from the given questions or the current version's. One open draft per template. */
  async draft(caller: Caller, rawInput: unknown): Promise<TemplateVersionRecord> {
    this.assertManager(caller);
    const input = parseInput(draftTemplateVersionInput, rawInput);
    if (await this.versions.exists({ template: input.template, state: 'DRAFT' })) {
      throw new ConflictError(`The ${input.template} template already has an open draft; edit or publish it`, { template: input.template });
    }
    const latest = await this.versions.findOne({ template: input.template }).sort({ version: -1 }).lean<TemplateVersionRecord>();
    const items: SurveyQuestionRecord[] = input.items ?? (await this.requireCurrent(input.template)).items;
    const created = await this.versions.create({
      _id: new Types.ObjectId(),
      template: input.template,
      version: (latest?.version ?? 0) + 1,
      state: 'DRAFT',
      openDraft: input.template,
      items,
      note: input.note,
      createdBy: caller.userId,
      createdAt: this.clock.now(),
      publishedBy: null,
      publishedAt: null,
      retiredBy: null,
      retiredAt: null,
      revision: 0,
    });
    return created.toObject();
  }

  /** Replace a draft's questions (and note); a published or retired version never changes. */
  async edit(caller: Caller, rawInput: unknown): Promise<TemplateVersionRecord> {
    this.assertManager(caller);
    const input = parseInput(editTemplateVersionInput, rawInput);
    const current = await this.require(input.id);
    if (current.state !== 'DRAFT') throw new ConflictError(`Version ${current.version} of ${current.template} is ${current.state}: only a draft is edited`, { state: current.state });
    return this.write(current, { $set: { items: input.items, note: input.note } });
  }

  /** Publish a draft: new surveys of the template ask it from now on, and the versions it replaces are retired. */
  async publish(caller: Caller, rawInput: unknown): Promise<TemplateVersionRecord> {
    this.assertManager(caller);
    const { id } = parseInput(templateVersionIdInput, rawInput);
    const current = await this.require(id);
    assertTemplateStep(current.state, 'PUBLISHED');
    const now = this.clock.now();
    const published = await this.write(current, { $set: { state: 'PUBLISHED', publishedBy: caller.userId, publishedAt: now }, $unset: { openDraft: 1 } });
    // The highest published version is the one asked, so the write above is already the whole decision; retiring
    // the older ones is tidying that a crash can only delay.
    await this.versions.updateMany(
      { template: current.template, state: 'PUBLISHED', version: { $lt: current.version } },
      { $set: { state: 'RETIRED', retiredBy: caller.userId, retiredAt: now }, $inc: { revision: 1 } },
    );
    return published;
  }

  /** Retire a published version: new surveys stop asking it; its responses keep reading against it. */
  async retire(caller: Caller, rawInput: unknown): Promise<TemplateVersionRecord> {
    this.assertManager(caller);
    const { id } = parseInput(templateVersionIdInput, rawInput);
    const current = await this.require(id);
    assertTemplateStep(current.state, 'RETIRED');
    return this.write(current, { $set: { state: 'RETIRED', retiredBy: caller.userId, retiredAt: this.clock.now() } });
  }

  private assertManager(caller: Caller): void {
    if (!mayManageTemplates(caller)) throw new ForbiddenError('Questionnaires are managed by the general manager and marketing');
  }

  private async require(id: string): Promise<TemplateVersionRecord> {
    const found = await this.versions.findById(id).lean<TemplateVersionRecord>();
    if (!found) throw new NotFoundError('SurveyTemplateVersion', id);
    return found;
  }

  private async write(current: TemplateVersionRecord, update: UpdateQuery<TemplateVersionRecord>): Promise<TemplateVersionRecord> {
    const saved = await this.versions
      .findOneAndUpdate({ _id: current._id, revision: current.revision }, { ...update, $inc: { revision: 1 } }, { returnDocument: 'after' })
      .lean<TemplateVersionRecord>();
    if (!saved) throw new ConflictError('The template version was changed by someone else meanwhile; reload and try again');
    return saved;
  }
}
