import { parseInput } from '@crm/kernel';
import { z } from 'zod';
import type { TicketCommand } from './ticket-lifecycle';
import { assigneeRoles, complaintCauses } from './ticket.model';

const text = (max: number) => z.string().trim().min(1, 'is required').max(max);
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .nullish()
    .transform((value) => (value ? value : null));
const cause = z.enum(complaintCauses).nullish();

/** GraphQL arguments of each handling mutation → a validated command (BAD_USER_INPUT names the argument). */
export const ticketCommandArgs = {
  startInvestigation: (args: unknown): TicketCommand => ({ kind: 'START_INVESTIGATION', ...parseInput(z.object({ note: optionalText(4000) }), args, 'args') }),
  recordProgress: (args: unknown): TicketCommand => ({ kind: 'NOTE_PROGRESS', ...parseInput(z.object({ note: text(4000), communicatedToCustomer: z.boolean() }), args, 'args') }),
  escalateTicket: (args: unknown): TicketCommand => ({ kind: 'ESCALATE', ...parseInput(z.object({ note: optionalText(4000) }), args, 'args') }),
  agreeHandlingPlan: (args: unknown): TicketCommand => ({ kind: 'AGREE_PLAN', ...parseInput(z.object({ plan: text(4000) }), args, 'args') }),
  resolveTicket: (args: unknown): TicketCommand => ({ kind: 'RESOLVE', ...parseInput(z.object({ resolution: text(4000), cause }), args, 'args') }),
  resolveAtOnce: (args: unknown): TicketCommand => ({ kind: 'RESOLVE_AT_ONCE', ...parseInput(z.object({ resolution: text(4000), cause }), args, 'args') }),
  recordFollowUpVisit: (args: unknown): TicketCommand => ({ kind: 'RECORD_FOLLOW_UP_VISIT', ...parseInput(z.object({ note: text(4000) }), args, 'args') }),
  confirmCustomerSatisfaction: (args: unknown): TicketCommand => ({ kind: 'CONFIRM_SATISFACTION', ...parseInput(z.object({ note: optionalText(4000) }), args, 'args') }),
  reopenTicket: (args: unknown): TicketCommand => ({ kind: 'REOPEN', ...parseInput(z.object({ reason: text(4000) }), args, 'args') }),
  closeTicket: (args: unknown): TicketCommand => ({ kind: 'CLOSE', ...parseInput(z.object({ note: optionalText(4000) }), args, 'args') }),
  awaitCustomer: (args: unknown): TicketCommand => ({ kind: 'AWAIT_CUSTOMER', ...parseInput(z.object({ note: text(4000) }), args, 'args') }),
  customerResponded: (args: unknown): TicketCommand => ({ kind: 'CUSTOMER_RESPONDED', ...parseInput(z.object({ note: optionalText(4000) }), args, 'args') }),
  transferTicket: (input: unknown): TicketCommand => {
    const parsed = parseInput(
      z.object({ toUserId: text(64), reason: text(2000), toRole: z.enum(assigneeRoles).exclude(['FIRST_RESPONDER']).nullish() }),
      input,
      'input',
    );
    return { kind: 'TRANSFER', toUserId: parsed.toUserId, reason: parsed.reason, toRole: parsed.toRole ?? 'RESPONSIBLE' };
  },
};
