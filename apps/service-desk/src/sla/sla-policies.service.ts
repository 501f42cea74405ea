import { hasRole, isPartner, type Caller } from '@crm/auth';
import { isDuplicateKeyError } from '@crm/data';
import { BadUserInputError, ConflictError, ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import { Types, type Model } from 'mongoose';
import { z } from 'zod';
import { customerImportances, type SlaPolicyRecord } from './sla-policy.model';
import {
  DEFAULT_GENERAL_MANAGER_AFTER_OVERDUE_MINUTES,
  DEFAULT_NEAR_BREACH_PERCENT,
  defaultSlaTargets,
  policyInEffect,
  slaSeverities,
  targetIssues,
} from './sla-policy-rules';

const minutes = z.number().int().positive().max(60 * 24 * 365);

const publishSlaPolicyInput = z.object({
  name: z.string().trim().min(1, 'is required').max(200),
  effectiveFrom: z.coerce.date().nullish(),
  nearBreachPercent: z.number().int().min(1).max(99).nullish(),
  generalManagerAfterOverdueMinutes: minutes.nullish(),
  note: z.string().trim().max(2000).nullish(),
  targets: z.array(
    z.object({
      severity: z.enum(slaSeverities),
      importance: z.enum(customerImportances),
      firstResponseMinutes: minutes,
      resolutionMinutes: minutes,
      businessHoursOnly: z.boolean(),
    }),
  ),
});

// Policies change rarely; other replicas see a new version within this long (the publishing one at once).
const POLICY_CACHE_MS = 30_000;
const PUBLISH_ATTEMPTS = 3;

/** Who publishes a new SLA policy version. */
export function mayPublishSlaPolicies(caller: Caller): boolean {
  return hasRole(caller, 'general_manager');
}

/** The versioned SLA policy: publishing versions, and which version a ticket runs under. */
export class SlaPolicyService {
  private cached?: { policies: SlaPolicyRecord[]; until: number };
  private readonly listeners: ((policy: SlaPolicyRecord) => void)[] = [];

  constructor(
    private readonly policies: Model<SlaPolicyRecord>,
    private readonly clock: Clock,
  ) {}

  /** A fresh database starts with the default policy as version 1, in effect since ever. */
  async ensureDefault(): Promise<void> {
    if (await this.policies.exists({})) return;
    await this.policies
      .create({
        _id: new Types.ObjectId(),
        version: 1,
        name: 'Default service levels',
        effectiveFrom: new Date(0),
        nearBreachPercent: DEFAULT_NEAR_BREACH_PERCENT,
        generalManagerAfterOverdueMinutes: DEFAULT_GENERAL_MANAGER_AFTER_OVERDUE_MINUTES,
        targets: defaultSlaTargets,
        note: 'Created at first start',
        createdBy: 'system',
        createdAt: this.clock.now(),
      })
      .catch((error: unknown) => {
        // Another replica created it first.
        if (!isDuplicateKeyError(error)) throw error;
      });
    this.cached = undefined;
  }

  /** Every version, oldest first. */
  async all(): Promise<SlaPolicyRecord[]> {
    const now = Date.now();
    if (this.cached && this.cached.until > now) return this.cached.policies;
    const policies = await this.policies.find().sort({ version: 1 }).lean<SlaPolicyRecord[]>();
    this.cached = { policies, until: now + POLICY_CACHE_MS };
    return policies;
  }

  async list(caller: Caller): Promise<SlaPolicyRecord[]> {
    if (isPartner(caller)) throw new ForbiddenError('Partners have no access to SLA policies');
    return this.all();
  }

  /** The version in effect at an instant (the first version for instants before any). */
  async inEffectAt(at: Date): Promise<SlaPolicyRecord> {
    const policies = await this.all();
    const policy = policyInEffect(policies, at) ?? policies[0];
    if (!policy) throw new Error('no SLA policy: ensureDefault() runs at start');
    return policy;
  }

  async byVersion(version: number): Promise<SlaPolicyRecord> {
    const policy = (await this.all()).find((p) => p.version === version) ?? (await this.reload()).find((p) => p.version === version);
    if (!policy) throw new Error(`SLA policy version ${version} does not exist`);
    return policy;
  }

  async publish(caller: Caller, rawInput: unknown): Promise<SlaPolicyRecord> {
    if (!mayPublishSlaPolicies(caller)) throw new ForbiddenError('Only the general manager publishes SLA policies');
    const input = parseInput(publishSlaPolicyInput, rawInput);
    // One user error per problem: a missing or duplicated pair on the list, a resolution target on its entry.
    const problems = targetIssues(input.targets).map((issue) => ({ field: issue.index === null ? 'input.targets' : `input.targets.${issue.index}.resolutionMinutes`, message: issue.message }));
    if (problems.length > 0) throw new BadUserInputError(problems[0].field, problems[0].message, problems);
    const now = this.clock.now();
    for (let attempt = 1; attempt <= PUBLISH_ATTEMPTS; attempt += 1) {
      const latest = await this.policies.findOne().sort({ version: -1 }).lean<SlaPolicyRecord>();
      try {
        const created = await this.policies.create({
          _id: new Types.ObjectId(),
          version: (latest?.version ?? 0) + 1,
          name: input.name,
          effectiveFrom: input.effectiveFrom ?? now,
          nearBreachPercent: input.nearBreachPercent ?? DEFAULT_NEAR_BREACH_PERCENT,
          generalManagerAfterOverdueMinutes: input.generalManagerAfterOverdueMinutes ?? DEFAULT_GENERAL_MANAGER_AFTER_OVERDUE_MINUTES,
          targets: input.targets,
          note: input.note ?? null,
          createdBy: caller.userId,
          createdAt: now,
        });
        this.cached = undefined;
        const policy = created.toObject() as SlaPolicyRecord;
        for (const listener of this.listeners) listener(policy);
        return policy;
      } catch (error) {
        // Someone published the same version number meanwhile: take the next one.
        if (!isDuplicateKeyError(error)) throw error;
      }
    }
    throw new ConflictError('SLA policies are being published concurrently; try again');
  }

  /** Called after a version is published (the SLA watch recomputes open tickets). */
  onPublished(listener: (policy: SlaPolicyRecord) => void): void {
    this.listeners.push(listener);
  }

  private async reload(): Promise<SlaPolicyRecord[]> {
    this.cached = undefined;
    return this.all();
  }
}
