import { defaultSlaTargets, policyInEffect, targetFor, targetProblems } from './sla-policy-rules';

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
