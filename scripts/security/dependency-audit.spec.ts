import { readFileSync } from 'node:fs';
import path from 'node:path';
import { exceptionsSchema, formatVerdict, judgeAudit, type AuditReport } from './dependency-audit';

// The shape of `npm audit --json` (report v2): a vulnerable package with its own advisory, one vulnerable only
// through it, and a moderate one.
const report: AuditReport = {
  vulnerabilities: {
    jsonwebthing: {
      name: 'jsonwebthing',
      severity: 'critical',
      via: [{ source: 1, title: 'Signature bypass', url: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', severity: 'critical' }],
      fixAvailable: true,
    },
    'uses-jsonwebthing': { name: 'uses-jsonwebthing', severity: 'critical', via: ['jsonwebthing'], fixAvailable: true },
    slowregex: {
      name: 'slowregex',
      severity: 'moderate',
      via: [{ source: 2, title: 'ReDoS', url: 'https://github.com/advisories/GHSA-dddd-eeee-ffff', severity: 'moderate' }],
    },
  },
};

const exception = { package: 'jsonwebthing', advisory: 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc', reason: 'only the verify path is affected; we verify with jose', until: '2027-01-31' };

describe('dependency audit policy', () => {
  it('fails a high or critical advisory with no exception, and lists the rest', () => {
    const verdict = judgeAudit(report, [], '2026-12-03');
    expect(verdict.failing.map((f) => f.package)).toEqual(['jsonwebthing']);
    expect(verdict.listed.map((f) => `${f.package} ${f.severity}`)).toEqual(['uses-jsonwebthing critical', 'slowregex moderate']);
    expect(formatVerdict(verdict)).toMatch(/1 failing, 0 excepted, 2 below the bar$/);
  });

  it('lets a recorded exception through until its end date, with its reason shown', () => {
    const verdict = judgeAudit(report, [exception], '2027-01-31');
    expect(verdict.failing).toEqual([]);
    expect(verdict.excepted).toEqual([expect.objectContaining({ package: 'jsonwebthing', reason: exception.reason, until: '2027-01-31' })]);
    expect(formatVerdict(verdict)).toContain('excepted until 2027-01-31: only the verify path');
  });

  it('fails again once the exception has ended, and says so', () => {
    const verdict = judgeAudit(report, [exception], '2027-02-01');
    expect(verdict.failing.map((f) => f.package)).toEqual(['jsonwebthing']);
    expect(verdict.expired).toEqual([exception]);
  });

  it('an exception for another advisory of the package does not cover this one', () => {
    const verdict = judgeAudit(report, [{ ...exception, advisory: 'https://github.com/advisories/GHSA-zzzz-zzzz-zzzz' }], '2026-12-03');
    expect(verdict.failing.map((f) => f.package)).toEqual(['jsonwebthing']);
  });

  it('high fails as critical does; moderate does not', () => {
    const high = judgeAudit({ vulnerabilities: { a: { ...report.vulnerabilities.jsonwebthing, name: 'a', severity: 'high' } } }, [], '2026-12-03');
    expect(high.failing).toHaveLength(1);
    const moderate = judgeAudit({ vulnerabilities: { a: { ...report.vulnerabilities.jsonwebthing, name: 'a', severity: 'moderate' } } }, [], '2026-12-03');
    expect(moderate.failing).toHaveLength(0);
  });

  it('the checked-in exceptions file is valid: every exception names its advisory, a reason and an end date', () => {
    const file = JSON.parse(readFileSync(path.join(__dirname, '../../security/audit-exceptions.json'), 'utf8'));
    expect(() => exceptionsSchema.parse(file)).not.toThrow();
    expect(() => exceptionsSchema.parse([{ package: 'x', advisory: 'https://github.com/advisories/GHSA-1', reason: 'short', until: '2027-01-01' }])).toThrow();
  });
});
