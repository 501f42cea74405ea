// npm run audit: the production dependencies (npm audit --omit=dev) against the stated policy — a high or critical
// advisory fails the run unless security/audit-exceptions.json records it with a reason and an end date; moderate and
// low are listed. When the registry's audit endpoint does not answer, nothing was audited: that is said plainly and
// fails only where an audit is required (AUDIT_REQUIRED=true, the hosted CI), never reported as a pass.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

const SEVERITIES = ['info', 'low', 'moderate', 'high', 'critical'] as const;
type Severity = (typeof SEVERITIES)[number];
const FAILING: ReadonlySet<Severity> = new Set(['high', 'critical']);

/** The part of `npm audit --json` (report v2) the policy reads. */
const auditReportSchema = z.object({
  vulnerabilities: z.record(
    z.string(),
    z.object({
      name: z.string(),
      severity: z.enum(SEVERITIES),
      via: z.array(z.union([z.string(), z.object({ source: z.union([z.number(), z.string()]).optional(), title: z.string().optional(), url: z.string().optional(), severity: z.enum(SEVERITIES).optional() })])),
      fixAvailable: z.union([z.boolean(), z.object({}).passthrough()]).optional(),
    }),
  ),
});
export type AuditReport = z.infer<typeof auditReportSchema>;

export const exceptionsSchema = z.array(
  z.object({
    package: z.string().min(1),
    /** The advisory's URL (https://github.com/advisories/GHSA-…), as npm audit names it. */
    advisory: z.string().url(),
    reason: z.string().min(10),
    /** The exception ends on this day (YYYY-MM-DD): revisit it then. */
    until: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  }),
);
export type AuditException = z.infer<typeof exceptionsSchema>[number];

export interface Finding {
  package: string;
  severity: Severity;
  advisories: string[];
  titles: string[];
}

export interface AuditVerdict {
  failing: Finding[];
  excepted: (Finding & { reason: string; until: string })[];
  listed: Finding[];
  /** Exceptions whose end date has passed; their advisories fail again. */
  expired: AuditException[];
}

/** Apply the policy to a report: high and critical fail unless excepted (and not expired); the rest is listed. */
export function judgeAudit(report: AuditReport, exceptions: AuditException[], today: string): AuditVerdict {
  const verdict: AuditVerdict = { failing: [], excepted: [], listed: [], expired: exceptions.filter((e) => e.until < today) };
  const live = exceptions.filter((e) => e.until >= today);
  for (const entry of Object.values(report.vulnerabilities)) {
    const direct = entry.via.filter((via): via is Exclude<typeof via, string> => typeof via !== 'string');
    const finding: Finding = {
      package: entry.name,
      severity: entry.severity,
      advisories: direct.map((via) => via.url).filter((url): url is string => Boolean(url)),
      titles: direct.map((via) => via.title).filter((title): title is string => Boolean(title)),
    };
    if (!FAILING.has(entry.severity)) {
      verdict.listed.push(finding);
      continue;
    }
    // An entry that is vulnerable only through another package fails with that package; its own advisories decide here.
    if (finding.advisories.length === 0) {
      verdict.listed.push(finding);
      continue;
    }
    const covering = finding.advisories.map((url) => live.find((e) => e.package === entry.name && e.advisory === url));
    if (covering.every(Boolean)) verdict.excepted.push({ ...finding, reason: covering.map((e) => e!.reason).join('; '), until: covering.map((e) => e!.until).sort()[0] });
    else verdict.failing.push(finding);
  }
  return verdict;
}

export function formatVerdict(verdict: AuditVerdict): string {
  const line = (f: Finding) => `  ${f.severity.padEnd(8)} ${f.package}: ${f.titles.join('; ') || 'through a dependency'} ${f.advisories.join(' ')}`.trimEnd();
  return [
    ...verdict.failing.map((f) => `FAIL${line(f)}`),
    ...verdict.expired.map((e) => `FAIL  exception for ${e.package} ended ${e.until}: ${e.advisory}`),
    ...verdict.excepted.map((f) => `ok  ${line(f)} (excepted until ${f.until}: ${f.reason})`),
    ...verdict.listed.map((f) => `note${line(f)}`),
    `dependency audit (production): ${verdict.failing.length} failing, ${verdict.excepted.length} excepted, ${verdict.listed.length} below the bar`,
  ].join('\n');
}

function main(): void {
  const root = path.resolve(__dirname, '../..');
  const exceptions = exceptionsSchema.parse(JSON.parse(readFileSync(path.join(root, 'security/audit-exceptions.json'), 'utf8')));
  const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  let parsed: unknown;
  try {
    parsed = JSON.parse(run.stdout);
  } catch {
    parsed = undefined;
  }
  const report = auditReportSchema.safeParse(parsed);
  if (!report.success) {
    const why = (parsed as { message?: string } | undefined)?.message ?? (run.stderr.trim().split('\n').pop() || 'no answer');
    console.log(`dependency audit (production): NOT AUDITED — the registry's audit endpoint did not answer (${why})`);
    process.exit(process.env.AUDIT_REQUIRED === 'true' ? 2 : 0);
  }
  const verdict = judgeAudit(report.data, exceptions, new Date().toISOString().slice(0, 10));
  console.log(formatVerdict(verdict));
  process.exit(verdict.failing.length + verdict.expired.length > 0 ? 1 : 0);
}

if (require.main === module) main();
