import { WorkingCalendar } from '@crm/working-calendar';
import {
  clockRules,
  DEFAULT_GENERAL_MANAGER_AFTER_OVERDUE_MINUTES,
  DEFAULT_NEAR_BREACH_PERCENT,
  defaultSlaTargets,
  policyInEffect,
  slaSeverities,
  targetFor,
  targetIssues,
  targetProblems,
} from './sla-policy-rules';

const v = (version: number, effectiveFrom: string) => ({ version, effectiveFrom: new Date(effectiveFrom) });

describe('SLA policy versions', () => {
  const policies = [v(1, '1970-01-01T00:00:00Z'), v(2, '2024-06-01T00:00:00Z'), v(3, '2024-09-01T00:00:00Z'), v(4, '2024-06-01T00:00:00Z')];

  it('picks the version in effect when the matter was received', () => {
    expect(policyInEffect(policies, new Date('2024-01-01T00:00:00Z'))?.version).toBe(1);
    expect(policyInEffect(policies, new Date('2024-08-01T00:00:00Z'))?.version).toBe(4);
    expect(policyInEffect(policies, new Date('2024-09-02T00:00:00Z'))?.version).toBe(3);
  });

  it('prefers the later version when two take effect at the same instant (a correction)', () => {
    expect(policyInEffect(policies, new Date('2024-06-01T00:00:00Z'))?.version).toBe(4);
  });

  it('has nothing in effect before the first version', () => {
    expect(policyInEffect([v(1, '2024-01-01T00:00:00Z')], new Date('2023-12-31T00:00:00Z'))).toBeNull();
  });

  it('accepts the default targets: every severity × importance once', () => {
    expect(targetProblems(defaultSlaTargets)).toEqual([]);
    expect(targetFor({ version: 1, targets: defaultSlaTargets }, 'CRITICAL', 'KEY')).toMatchObject({ firstResponseMinutes: 30, businessHoursOnly: false });
  });

  it('names missing and duplicated targets, and a resolution due before the response', () => {
    const broken = [...defaultSlaTargets.slice(1), { ...defaultSlaTargets[2] }, { ...defaultSlaTargets[3], resolutionMinutes: 10 }];
    const problems = targetProblems(broken);
    expect(problems).toEqual(
      expect.arrayContaining([
        'CRITICAL × KEY must appear exactly once (found 0)',
        'HIGH × KEY must appear exactly once (found 2)',
        'HIGH × GENERAL must appear exactly once (found 2)',
        'HIGH × GENERAL: resolution cannot be due before the first response',
      ]),
    );
  });
});

describe('SLA policy rules at their edges', () => {
  it('counts a version effective at the very instant asked about', () => {
    expect(policyInEffect([v(1, '2024-01-01T00:00:00Z'), v(2, '2024-06-01T00:00:00Z')], new Date('2024-06-01T00:00:00Z'))?.version).toBe(2);
  });

  it('keeps the version with the later effective date whatever order the versions come in', () => {
    expect(policyInEffect([v(2, '2024-06-01T00:00:00Z'), v(1, '2024-01-01T00:00:00Z')], new Date('2024-07-01T00:00:00Z'))?.version).toBe(2);
    expect(policyInEffect([v(5, '2024-06-01T00:00:00Z'), v(4, '2024-06-01T00:00:00Z')], new Date('2024-07-01T00:00:00Z'))?.version).toBe(5);
  });

  it('names the policy version and the pair it lacks', () => {
    expect(() => targetFor({ version: 3, targets: defaultSlaTargets.slice(1) }, 'CRITICAL', 'KEY')).toThrow('SLA policy v3 has no target for CRITICAL × KEY');
    expect(targetFor({ version: 1, targets: defaultSlaTargets }, 'LOW', 'GENERAL')).toEqual({
      severity: 'LOW',
      importance: 'GENERAL',
      firstResponseMinutes: 9 * 60,
      resolutionMinutes: 5 * 9 * 60,
      businessHoursOnly: true,
    });
  });

  it('accepts a resolution target equal to the response target', () => {
    const equal = defaultSlaTargets.map((t) => ({ ...t, resolutionMinutes: t.firstResponseMinutes }));
    expect(targetProblems(equal)).toEqual([]);
  });

  it('names the entry a resolution problem is about, and no entry for a missing or duplicated pair', () => {
    const targets = [...defaultSlaTargets.slice(1), { ...defaultSlaTargets[4], resolutionMinutes: 1 }];
    expect(targetIssues(targets)).toEqual([
      { index: null, message: 'MEDIUM × KEY must appear exactly once (found 2)' },
      { index: null, message: 'CRITICAL × KEY must appear exactly once (found 0)' },
      { index: targets.length - 1, message: 'MEDIUM × KEY: resolution cannot be due before the first response' },
    ]);
  });

  it('lists the problems of a target set in a stable order, each once', () => {
    expect(targetProblems([{ ...defaultSlaTargets[0], resolutionMinutes: 10 }, ...defaultSlaTargets.slice(1)])).toEqual(['CRITICAL × KEY: resolution cannot be due before the first response']);
  });

  it('counts working time for a business-hours target and every minute for a round-the-clock one', () => {
    const calendar = new WorkingCalendar({});
    const policy = { version: 1, targets: defaultSlaTargets, nearBreachPercent: 75 };
    const high = clockRules(policy, 'HIGH', 'KEY', calendar);
    expect(high.targets).toEqual({ firstResponseMinutes: 60, resolutionMinutes: 9 * 60, nearBreachPercent: 75 });
    expect(high.businessHoursOnly).toBe(true);
    // Friday 17:30 in Shanghai plus one working hour is Monday 09:30.
    const friday = new Date('2024-09-20T17:30:00+08:00');
    expect(high.measure.addMillis(friday, 3_600_000)).toEqual(new Date('2024-09-23T09:30:00+08:00'));
    const critical = clockRules(policy, 'CRITICAL', 'GENERAL', calendar);
    expect(critical).toMatchObject({ businessHoursOnly: false, targets: { firstResponseMinutes: 60, resolutionMinutes: 8 * 60 } });
    expect(critical.measure.addMillis(friday, 3_600_000)).toEqual(new Date('2024-09-20T18:30:00+08:00'));
  });

  it('starts with the documented defaults', () => {
    expect(DEFAULT_NEAR_BREACH_PERCENT).toBe(80);
    expect(DEFAULT_GENERAL_MANAGER_AFTER_OVERDUE_MINUTES).toBe(240);
    expect(slaSeverities).toEqual(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL']);
    expect(defaultSlaTargets.map((t) => [t.severity, t.importance, t.firstResponseMinutes, t.resolutionMinutes, t.businessHoursOnly])).toEqual([
      ['CRITICAL', 'KEY', 30, 240, false],
      ['CRITICAL', 'GENERAL', 60, 480, false],
      ['HIGH', 'KEY', 60, 540, true],
      ['HIGH', 'GENERAL', 120, 1080, true],
      ['MEDIUM', 'KEY', 120, 1080, true],
      ['MEDIUM', 'GENERAL', 240, 1620, true],
      ['LOW', 'KEY', 240, 1620, true],
      ['LOW', 'GENERAL', 540, 2700, true],
    ]);
  });
});
