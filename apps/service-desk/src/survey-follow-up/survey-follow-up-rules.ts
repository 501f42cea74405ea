import type { EventData, surveyResponseRecordedV1 } from '@crm/contracts';

/*
 * Pure rules of the survey follow-up: whether a recorded survey response calls for a ticket, and what that ticket
 * says. A customer who answered "not very satisfied" or "dissatisfied" gets one complaint ticket per response,
 * naming the survey and listing those answers with their questions and comments, so whoever calls the customer
 * back knows what went wrong without opening the survey.
 */

export type SurveyResponseRecorded = EventData<typeof surveyResponseRecordedV1>;
type Level = NonNullable<SurveyResponseRecorded['answers']>[number]['level'];

/** The matter is a ticket's free text; it holds at most this many characters (as an agent's input does). */
export const MATTER_MAX_LENGTH = 4000;
/** A ticket may be registered with a receipt time at most this far back (as an agent may). */
export const MAX_BACKDATE_MS = 30 * 24 * 3600 * 1000;

const DISSATISFIED_LEVELS: readonly Level[] = ['NOT_VERY_SATISFIED', 'DISSATISFIED'];
const levelWording: Record<Level, string> = {
  SATISFIED: 'satisfied',
  FAIRLY_SATISFIED: 'fairly satisfied',
  BASICALLY_SATISFIED: 'basically satisfied',
  NOT_VERY_SATISFIED: 'not very satisfied',
  DISSATISFIED: 'dissatisfied',
};

/** A follow-up is opened when surveys found dissatisfied items and asked for one (`followUp` present). */
export function needsFollowUpTicket(response: Pick<SurveyResponseRecorded, 'dissatisfiedItems' | 'followUp'>): boolean {
  return response.dissatisfiedItems.length > 0 && !!response.followUp;
}

/** The idempotency key of the follow-up ticket: one ticket per survey response, whatever the deliveries. */
export function followUpKey(responseId: string): string {
  return `survey:${responseId}`;
}

/** A "dissatisfied" answer makes the ticket MEDIUM; "not very satisfied" answers alone make it LOW. */
export function followUpSeverity(response: Pick<SurveyResponseRecorded, 'answers'>): 'LOW' | 'MEDIUM' {
  return (response.answers ?? []).some((answer) => answer.level === 'DISSATISFIED') ? 'MEDIUM' : 'LOW';
}

/**
 * Who the ticket goes to: the first responder of the ticket the survey was sent after (surveys names them);
 * null lets the service desk assign it as usual (the customer's owner).
 */
export function followUpFirstResponder(response: Pick<SurveyResponseRecorded, 'followUp'>): string | null {
  return response.followUp?.assigneeId ?? null;
}

/** The matter: the survey (template, version, response, source ticket) and each dissatisfied answer with its question and comment. */
export function followUpMatter(response: SurveyResponseRecorded): string {
  const version = response.templateVersion ? ` v${response.templateVersion}` : '';
  const source = response.followUp?.sourceTicketId ? `, sent after ticket ${response.followUp.sourceTicketId}` : '';
  const header = `Survey follow-up: ${response.template}${version} questionnaire, response ${response.responseId}${source} (score ${response.score.toFixed(1)} of 5).`;
  const answers = (response.answers ?? []).filter((answer) => DISSATISFIED_LEVELS.includes(answer.level));
  const lines =
    answers.length > 0
      ? answers.map((answer) => `- ${answer.question} [${answer.item}]: ${levelWording[answer.level]}${answer.comment ? ` — "${answer.comment}"` : ''}`)
      : response.dissatisfiedItems.map((item) => `- ${item}: not very satisfied or dissatisfied`);
  return truncate([header, 'Answers to follow up:', ...lines].join('\n'), MATTER_MAX_LENGTH);
}

/**
 * When the matter counts as received (its SLA clocks start): when surveys recorded the response, so a delivery
 * retried while the customer propagates does not gain time; never in the future, at most the backdating limit ago.
 */
export function followUpReceivedAt(recordedAt: Date, now: Date): Date {
  const earliest = now.getTime() - MAX_BACKDATE_MS;
  return new Date(Math.min(now.getTime(), Math.max(earliest, recordedAt.getTime())));
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
