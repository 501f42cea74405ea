import {
  extendSchema,
  getNamedType,
  getNullableType,
  GraphQLObjectType,
  isEnumType,
  isObjectType,
  parse,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';

/**
 * What the gateway adds to the supergraph's API schema for WebSocket clients. `Ticket` and `Severity` are the
 * service-desk types of the supergraph, so a subscriber selects ticket fields (and, through them, fields of every
 * other subgraph) exactly as a query would.
 */
export const COMPLAINT_EVENTS_SDL = /* GraphQL */ `
  extend schema {
    subscription: Subscription
  }

  "A complaint lifecycle change, with its ticket as the subscriber may read it."
  type ComplaintEvent {
    "The event id (CloudEvents id): unique per event, the same on every redelivery; use it to de-duplicate."
    id: ID!
    "Where this event sits in the complaint stream: pass it as \`after\` to resume right after it, without gaps."
    cursor: String!
    "What happened: opened, transferred, escalated, sla-breached, sla-near-breach, resolved, reopened, closed."
    type: String!
    "When it happened (ISO-8601, UTC)."
    occurredAt: String!
    """
    The ticket, resolved through the graph with the subscriber's own token when the event is delivered (so it shows
    the ticket as it is then). An event whose ticket the subscriber may not read is never delivered.
    """
    ticket: Ticket
  }

  "Every field narrows the stream; an absent field does not filter."
  input ComplaintEventFilter {
    "Event types, as in ComplaintEvent.type."
    types: [String!]
    "Only events about tickets of these severities."
    severities: [Severity!]
    "Only events about tickets of these customers."
    customerIds: [ID!]
  }

  "What the gateway streams over graphql-ws at /graphql."
  type Subscription {
    """
    Complaint events the caller may see, in the order they happened. Without \`after\` the stream starts with the next
    event; with the \`cursor\` of the last event received it resumes right after it, replaying what was missed.
    """
    complaintEvents(
      "Narrow the stream; omit for every complaint event the caller may see."
      filter: ComplaintEventFilter
      "The \`cursor\` of the last event received, or \`complaintEventsPosition\` read with a page; omit to start with the next event."
      after: String
    ): ComplaintEvent!
  }
`;

export interface ComplaintEventsResolvers {
  subscribe: GraphQLFieldResolver<unknown, unknown>;
  /** Maps one source event to the `ComplaintEvent` value (or throws the error that ends the stream). */
  resolve: GraphQLFieldResolver<unknown, unknown>;
  /** Resolvers of `ComplaintEvent`'s own fields, by field name. */
  eventFields: Record<string, GraphQLFieldResolver<unknown, unknown>>;
}

/**
 * The supergraph's API schema plus the complaint subscription: the one graph a client sees (introspection at the
 * gateway, schema/client-schema.graphql). Fails, naming what is missing, when the supergraph does not offer what the
 * subscription resolves through (`Query.ticket(id: ID!): Ticket`).
 */
export function withComplaintEvents(apiSchema: GraphQLSchema): GraphQLSchema {
  assertSupergraphServesTickets(apiSchema);
  return extendSchema(apiSchema, parse(COMPLAINT_EVENTS_SDL));
}

/** `withComplaintEvents` with the subscription's resolvers attached, for the graphql-ws executor. */
export function buildSubscriptionSchema(apiSchema: GraphQLSchema, resolvers: ComplaintEventsResolvers): GraphQLSchema {
  const schema = withComplaintEvents(apiSchema);
  const field = schema.getSubscriptionType()!.getFields().complaintEvents;
  field.subscribe = resolvers.subscribe;
  field.resolve = resolvers.resolve;
  const event = schema.getType('ComplaintEvent') as GraphQLObjectType;
  for (const [name, resolve] of Object.entries(resolvers.eventFields)) event.getFields()[name].resolve = resolve;
  return schema;
}

function assertSupergraphServesTickets(apiSchema: GraphQLSchema): void {
  if (apiSchema.getSubscriptionType()) {
    throw new Error('The supergraph defines a Subscription type: the gateway serves complaint subscriptions itself and cannot merge them');
  }
  const ticketField = apiSchema.getQueryType()?.getFields().ticket;
  const idArgument = ticketField?.args.find((arg) => arg.name === 'id');
  const returnsTicket = ticketField && isObjectType(getNullableType(ticketField.type)) && getNamedType(ticketField.type).name === 'Ticket';
  if (!returnsTicket || !idArgument || String(idArgument.type) !== 'ID!') {
    throw new Error('Complaint subscriptions need `Query.ticket(id: ID!): Ticket` in the supergraph (service-desk)');
  }
  if (!isEnumType(apiSchema.getType('Severity'))) throw new Error('Complaint subscriptions need the `Severity` enum in the supergraph (service-desk)');
}
