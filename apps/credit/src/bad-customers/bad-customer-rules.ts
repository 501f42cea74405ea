import { dayNumber } from '../money/calendar-day';

/*
 * Bad customers (docs/domain/credit.md) as declarative rules: a table of rule objects, each with a stable code,
 * a description and an evaluate function over the customer's recorded facts and what the ledgers say. The job, the
 * dry run and the opening of a case all evaluate this one table; adding a criterion is adding a row.
 */

/** Facts recorded with evidence (recordBadCustomerFact); a payment promise is the customer's stated will to pay. */
export const badCustomerFactKinds = ['BANKRUPTCY', 'INSOLVENCY', 'HEAVY_LOSSES', 'IMAGE_DAMAGE', 'FRAUD', 'BREACH_OF_LAW', 'PAYMENT_PROMISE'] as const;
export type BadCustomerFactKind = (typeof badCustomerFactKinds)[number];

export const badCustomerRuleCodes = ['BANKRUPT_INSOLVENT_OR_HEAVY_LOSSES', 'OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE', 'NO_BUSINESS_OVER_ONE_YEAR', 'SERIOUS_IMAGE_DAMAGE', 'FRAUD_OR_SERIOUS_BREACH_OF_LAW'] as const;
export type BadCustomerRuleCode = (typeof badCustomerRuleCodes)[number];

/** "More than one year": more than this many days (366 days flags, 365 does not), as the ageing's OVER_365 bucket. */
export const ONE_YEAR_DAYS = 365;

export interface RecordedFact {
  id: string;
  kind: BadCustomerFactKind;
  evidence: string;
  /** The calendar day the fact occurred (or, for a promise, was made). */
  occurredOn: string;
  /** A payment promise's day: the customer promised to pay by then. Null for other facts. */
  promisedOn: string | null;
}

/** What the rules read about one customer, as of one calendar day. */
export interface BadCustomerSubject {
  customerId: string;
  /** The day evaluated (YYYY-MM-DD, working calendar). */
  asOf: string;
  facts: readonly RecordedFact[];
  /** The due day of the customer's oldest open invoice (ledger); null when nothing is open. */
  oldestOpenDueOn: string | null;
  /** The last day of business with the customer: the latest order entered or invoice issued; null when none ever. */
  lastBusinessOn: string | null;
}

/** Why a rule flags a customer: the reason in words and the recorded facts it rests on (none for ledger rules). */
export interface RuleFinding {
  rule: BadCustomerRuleCode;
  reason: string;
  factIds: string[];
}

export interface BadCustomerRule {
  code: BadCustomerRuleCode;
  description: string;
  /** Null when the customer does not meet the criterion. */
  evaluate(subject: BadCustomerSubject): Omit<RuleFinding, 'rule'> | null;
}

const daysBetween = (from: string, to: string) => dayNumber(to) - dayNumber(from);

/** Facts of these kinds that occurred by the day evaluated (a fact dated later does not count yet). */
function factsOf(subject: BadCustomerSubject, kinds: readonly BadCustomerFactKind[]): RecordedFact[] {
  return subject.facts.filter((fact) => kinds.includes(fact.kind) && fact.occurredOn <= subject.asOf);
}

const factRule = (code: BadCustomerRuleCode, description: string, kinds: readonly BadCustomerFactKind[]): BadCustomerRule => ({
  code,
  description,
  evaluate(subject) {
    const found = factsOf(subject, kinds);
    if (found.length === 0) return null;
    return { reason: found.map((fact) => `${fact.kind.toLowerCase().replace(/_/g, ' ')} recorded on ${fact.occurredOn}: ${fact.evidence}`).join('; '), factIds: found.map((fact) => fact.id) };
  },
});

/** A promise made by the day evaluated whose day has not passed: the customer still shows the will to pay. */
export function activePaymentPromise(subject: BadCustomerSubject): RecordedFact | null {
  return factsOf(subject, ['PAYMENT_PROMISE']).find((fact) => fact.promisedOn !== null && fact.promisedOn >= subject.asOf) ?? null;
}

/** The five criteria, in the order docs/domain/credit.md lists them. */
export const badCustomerRules: readonly BadCustomerRule[] = [
  factRule('BANKRUPT_INSOLVENT_OR_HEAVY_LOSSES', 'The customer is bankrupt, insolvent or has suffered heavy losses (a recorded fact with evidence).', ['BANKRUPTCY', 'INSOLVENCY', 'HEAVY_LOSSES']),
  {
    code: 'OVERDUE_OVER_ONE_YEAR_NO_PAYMENT_PROMISE',
    description: `An invoice is overdue more than one year (over ${ONE_YEAR_DAYS} days past its due day) and the customer has made no payment promise that still stands.`,
    evaluate(subject) {
      if (subject.oldestOpenDueOn === null) return null;
      const days = daysBetween(subject.oldestOpenDueOn, subject.asOf);
      if (days <= ONE_YEAR_DAYS || activePaymentPromise(subject)) return null;
      return { reason: `an invoice due ${subject.oldestOpenDueOn} is ${days} days overdue (more than a year) with no payment promise`, factIds: [] };
    },
  },
  {
    code: 'NO_BUSINESS_OVER_ONE_YEAR',
    description: `No business with the customer for more than one year (no order entered and no invoice issued for over ${ONE_YEAR_DAYS} days); a customer that never bought is not judged by this rule.`,
    evaluate(subject) {
      if (subject.lastBusinessOn === null) return null;
      const days = daysBetween(subject.lastBusinessOn, subject.asOf);
      if (days <= ONE_YEAR_DAYS) return null;
      return { reason: `no business since ${subject.lastBusinessOn} (${days} days, more than a year)`, factIds: [] };
    },
  },
  factRule('SERIOUS_IMAGE_DAMAGE', "The customer seriously damaged the company's image or business (a recorded fact with evidence).", ['IMAGE_DAMAGE']),
  factRule('FRAUD_OR_SERIOUS_BREACH_OF_LAW', 'The customer committed fraud or a serious breach of law (a recorded fact with evidence).', ['FRAUD', 'BREACH_OF_LAW']),
];

/** Every criterion the customer meets, in the table's order; empty when none. */
export function evaluateBadCustomer(subject: BadCustomerSubject, rules: readonly BadCustomerRule[] = badCustomerRules): RuleFinding[] {
  return rules.flatMap((rule) => {
    const finding = rule.evaluate(subject);
    return finding ? [{ rule: rule.code, ...finding }] : [];
  });
}

export const ruleByCode = new Map(badCustomerRules.map((rule) => [rule.code, rule]));

/** The later of two calendar days (null-tolerant). */
export function laterDay(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return a > b ? a : b;
}

/*
 * The measures of a case: general ones always, special ones as chosen when the case opens; each a task of the
 * department the credit rules name (legal work: administration; settlement: the business department; bank and
 * accounting: finance).
 */
export const responsibleDepartments = ['ADMINISTRATION', 'BUSINESS_DEPARTMENT', 'FINANCE'] as const;
export type ResponsibleDepartment = (typeof responsibleDepartments)[number];

export const generalMeasures = ['COLLECT_RECEIVABLES', 'CANCEL_OPEN_ORDERS', 'STOP_SHIPMENTS', 'REMOVE_FROM_ARCHIVE'] as const;
export const specialMeasures = ['LEGAL_ACTION', 'FREEZE_ACCOUNT', 'DECLARE_RELATIONSHIP_ENDED'] as const;
export type GeneralMeasure = (typeof generalMeasures)[number];
export type SpecialMeasure = (typeof specialMeasures)[number];
export type BadCustomerMeasure = GeneralMeasure | SpecialMeasure;
export const badCustomerMeasures: readonly BadCustomerMeasure[] = [...generalMeasures, ...specialMeasures];

export const measureTable: Record<BadCustomerMeasure, { kind: 'GENERAL' | 'SPECIAL'; department: ResponsibleDepartment; description: string }> = {
  COLLECT_RECEIVABLES: { kind: 'GENERAL', department: 'BUSINESS_DEPARTMENT', description: 'Collect what is owed (settlement).' },
  CANCEL_OPEN_ORDERS: { kind: 'GENERAL', department: 'BUSINESS_DEPARTMENT', description: 'Cancel the open transactions: credit cancels every held or open order when the case opens.' },
  STOP_SHIPMENTS: { kind: 'GENERAL', department: 'BUSINESS_DEPARTMENT', description: 'Stop shipments (credit refuses deliveries while the case is open).' },
  REMOVE_FROM_ARCHIVE: { kind: 'GENERAL', department: 'BUSINESS_DEPARTMENT', description: 'Remove the customer from the archive (accounts moves it to REMOVED when the case closes).' },
  LEGAL_ACTION: { kind: 'SPECIAL', department: 'ADMINISTRATION', description: 'Take legal action and file the claims.' },
  FREEZE_ACCOUNT: { kind: 'SPECIAL', department: 'FINANCE', description: 'Freeze the account (bank and accounting): the credit profile must be frozen.' },
  DECLARE_RELATIONSHIP_ENDED: { kind: 'SPECIAL', department: 'ADMINISTRATION', description: 'Declare the business relationship ended.' },
};

/** The measures a case applies: every general measure, then the special ones chosen, in the table's order. */
export function measuresFor(chosen: readonly SpecialMeasure[]): BadCustomerMeasure[] {
  return [...generalMeasures, ...specialMeasures.filter((measure) => chosen.includes(measure))];
}

/** The measures that end the relationship: accounts removes the customer from the archive when a case closes with one done. */
export const relationshipEndingMeasures: readonly BadCustomerMeasure[] = ['REMOVE_FROM_ARCHIVE', 'DECLARE_RELATIONSHIP_ENDED'];

/** Whether a case that applied these measures (all done when it closes) ends the relationship. */
export function endsRelationship(applied: readonly BadCustomerMeasure[]): boolean {
  return applied.some((measure) => relationshipEndingMeasures.includes(measure));
}
