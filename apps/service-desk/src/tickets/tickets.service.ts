import type { Caller } from '@crm/auth';
import { complaintOpenedV1, customerIdSchema } from '@crm/contracts';
import { createEvent } from '@crm/events';
import { actorOf, BadUserInputError, ForbiddenError, parseInput, type Clock } from '@crm/kernel';
import { isValidObjectId, Types, type Model } from 'mongoose';
import { z } from 'zod';
import type { CustomerDirectory } from '../customer-directory/customer-directory.service';
import { promisedReplyBy } from './reply-promise';
import { canOpenTicket, canSeeTicket, visibleTicketsFilter } from './ticket-access';
import { severities, ticketChannels, ticketTypes, type TicketRecord } from './ticket.model';

const openTicketInput = z.object({
  customerId: customerIdSchema,
  type: z.enum(ticketTypes),
  channel: z.enum(ticketChannels),
  severity: z.enum(severities),
  matter: z.string().trim().min(1, 'is required').max(4000),
  complainant: z.object({ name: z.string().trim().min(1, 'is required').max(200), contact: z.string().trim().max(200).nullish() }),
  product: z.string().trim().max(200).nullish(),
});

/** Ticket rules: who may open and read tickets, what a new ticket promises, which events it raises. */
export class TicketsService {
  constructor(
    private readonly tickets: Model<TicketRecord>,
    private readonly directory: CustomerDirectory,
    private readonly clock: Clock,
    private readonly publishPendingEvents: () => void,
  ) {}

  async open(caller: Caller, rawInput: unknown): Promise<TicketRecord> {
    if (!canOpenTicket(caller)) throw new ForbiddenError('Partners cannot open tickets');
    const input = parseInput(openTicketInput, rawInput);
    const customer = await this.directory.find(input.customerId);
    if (!customer) throw new BadUserInputError('input.customerId', 'no such customer (or accounts has not announced it yet)');
    if (customer.lifecycle === 'REMOVED') throw new BadUserInputError('input.customerId', 'the customer has been removed from the archive');
    const openedAt = this.clock.now();
    const ticket = {
      _id: new Types.ObjectId(),
      ...input,
      product: input.product ?? null,
      complainant: { name: input.complainant.name, contact: input.complainant.contact ?? null },
      customerOwnerId: customer.ownerId,
      customerDepartmentId: customer.departmentId,
      firstResponderId: caller.userId,
      status: 'RECEIVED' as const,
      openedAt,
      promisedReplyBy: promisedReplyBy(openedAt, input.severity),
    };
    const events =
      ticket.type === 'COMPLAINT'
        ? [
            createEvent(complaintOpenedV1, {
              subject: String(ticket._id),
              actor: actorOf(caller),
              time: openedAt,
              data: {
                ticketId: String(ticket._id),
                customerId: ticket.customerId,
                severity: ticket.severity,
                channel: ticket.channel,
                matter: ticket.matter,
                firstResponderId: ticket.firstResponderId,
                openedAt: openedAt.toISOString(),
              },
            }),
          ]
        : [];
    const created = await this.tickets.create({ ...ticket, pendingEvents: events });
    this.publishPendingEvents();
    return created.toObject();
  }

  async findVisible(caller: Caller, id: string): Promise<TicketRecord | null> {
    if (!isValidObjectId(id)) return null;
    const ticket = await this.tickets.findById(id).lean<TicketRecord>();
    return ticket && canSeeTicket(caller, ticket) ? ticket : null;
  }

  findByIds(ids: readonly string[]): Promise<TicketRecord[]> {
    return this.tickets.find({ _id: { $in: ids.filter((id) => isValidObjectId(id)) } }).lean<TicketRecord[]>();
  }

  /** The caller's visible tickets for a batch of customers, newest first: one query per batch. */
  visibleForCustomers(caller: Caller, customerIds: readonly string[]): Promise<TicketRecord[]> {
    return this.tickets
      .find({ $and: [{ customerId: { $in: customerIds } }, visibleTicketsFilter(caller)] })
      .sort({ customerId: 1, openedAt: -1 })
      .lean<TicketRecord[]>();
  }
}

