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

/**
 * The `input` of each handling mutation → a validated command. Every problem is a BAD_USER_INPUT at its path in the
 * input (`input.note`); `input.id`, the ticket, is the service's to look up and is left out of the command.
 */
export const ticketCommandArgs = {
  startInvestigation: (input: unknown): TicketCommand => ({ kind: 'START_INVESTIGATION', ...parseInput(z.object({ note: optionalText(4000) }), input, 'input') }),
  recordProgress: (input: unknown): TicketCommand => ({ kind: 'NOTE_PROGRESS', ...parseInput(z.object({ note: text(4000), communicatedToCustomer: z.boolean() }), input, 'input') }),
  escalateTicket: (input: unknown): TicketCommand => ({ kind: 'ESCALATE', ...parseInput(z.object({ note: optionalText(4000) }), input, 'input') }),
  agreeHandlingPlan: (input: unknown): TicketCommand => ({ kind: 'AGREE_PLAN', ...parseInput(z.object({ plan: text(4000) }), input, 'input') }),
  resolveTicket: (input: unknown): TicketCommand => ({ kind: 'RESOLVE', ...parseInput(z.object({ resolution: text(4000), cause }), input, 'input') }),
  resolveAtOnce: (input: unknown): TicketCommand => ({ kind: 'RESOLVE_AT_ONCE', ...parseInput(z.object({ resolution: text(4000), cause }), input, 'input') }),
  recordFollowUpVisit: (input: unknown): TicketCommand => ({ kind: 'RECORD_FOLLOW_UP_VISIT', ...parseInput(z.object({ note: text(4000) }), input, 'input') }),
  confirmCustomerSatisfaction: (input: unknown): TicketCommand => ({ kind: 'CONFIRM_SATISFACTION', ...parseInput(z.object({ note: optionalText(4000) }), input, 'input') }),
  reopenTicket: (input: unknown): TicketCommand => ({ kind: 'REOPEN', ...parseInput(z.object({ reason: text(4000) }), input, 'input') }),
  closeTicket: (input: unknown): TicketCommand => ({ kind: 'CLOSE', ...parseInput(z.object({ note: optionalText(4000) }), input, 'input') }),
  awaitCustomer: (input: unknown): TicketCommand => ({ kind: 'AWAIT_CUSTOMER', ...parseInput(z.object({ note: text(4000) }), input, 'input') }),
  customerResponded: (input: unknown): TicketCommand => ({ kind: 'CUSTOMER_RESPONDED', ...parseInput(z.object({ note: optionalText(4000) }), input, 'input') }),
  transferTicket: (input: unknown): TicketCommand => {
    const parsed = parseInput(
      z.object({ toUserId: text(64), reason: text(2000), toRole: z.enum(assigneeRoles).exclude(['FIRST_RESPONDER']).nullish() }),
      input,
      'input',
    );
    return { kind: 'TRANSFER', toUserId: parsed.toUserId, reason: parsed.reason, toRole: parsed.toRole ?? 'RESPONSIBLE' };
  },
};
