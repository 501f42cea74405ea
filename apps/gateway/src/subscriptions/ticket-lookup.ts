import type { ApolloServer } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../gateway-context';
import { TICKET_QUERY_NAME, type TicketQuery } from './ticket-query';

export type TicketLookup =
  /** The subscriber may read the ticket: its data by response key, and any partial errors below it. */
  | { visible: true; tickets: Record<string, unknown>; errors: readonly GraphQLFormattedError[] }
  /** `ticket(id)` answered null without an error, or refused it with NOT_FOUND/FORBIDDEN: out of the subscriber's reach (or gone). */
  | { visible: false };

// Worth another try: the subgraph may be back in a moment. Anything else (e.g. UNAUTHENTICATED) will not change.
const TRANSIENT_CODES = new Set(['UNAVAILABLE', 'INTERNAL_SERVER_ERROR']);
// How a subgraph refuses a read the caller may not make (NOT_FOUND hides that it exists, FORBIDDEN says so).
const DENIED_CODES = new Set(['NOT_FOUND', 'FORBIDDEN']);

/** The ticket could not be read, so whether the subscriber may see the event is unknown. */
export class TicketLookupError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly transient: boolean,
  ) {
    super(message);
    this.name = 'TicketLookupError';
  }
}

/**
 * Read an event's ticket through the gateway's own Apollo server: the same pipeline as an HTTP query (limits, query
 * planning, subgraph calls carrying the subscriber's token and a request id, metrics, error formatting), so the
 * subgraphs apply the subscriber's access rules to the event exactly as to a query.
 */
export async function lookUpTicket(apollo: ApolloServer<GatewayContext>, query: TicketQuery, ticketId: string, context: GatewayContext): Promise<TicketLookup> {
  const response = await apollo.executeOperation(
    { query: query.query, operationName: TICKET_QUERY_NAME, variables: { ...query.variables, [query.idVariable]: ticketId } },
    { contextValue: context },
  );
  if (response.body.kind !== 'single') throw new TicketLookupError('INTERNAL_SERVER_ERROR', 'unexpected incremental response to the ticket query', false);
  const { data, errors = [] } = response.body.singleResult;
  const tickets = data ?? {};
  const values = query.keys.map((key) => tickets[key]);
  if (values.every((value) => value !== null && value !== undefined)) return { visible: true, tickets, errors };
  // A denied `ticket(id)` itself (not a field under it) means, as a null ticket does, that the subscriber may not see it.
  const deniedRead = (error: GraphQLFormattedError) => error.path?.length === 1 && query.keys.includes(String(error.path[0])) && DENIED_CODES.has(String(error.extensions?.code));
  if (errors.every(deniedRead)) return { visible: false };
  const code = String(errors[0].extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  const transient = errors.some((error) => TRANSIENT_CODES.has(String(error.extensions?.code)));
  throw new TicketLookupError(code, errors[0].message, transient);
}
